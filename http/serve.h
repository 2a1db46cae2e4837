/* serve.h - `concerto serve`: run the public web server on a data directory.
 *
 *     concerto serve --data DIR [--listen ADDR:PORT] [--threads N]
 *                    [--access-log FILE | --no-access-log] [--smtp-url URL]
 *
 * Opens the ledger, starts the writer, opens and starts the views, serves
 * HTTP until SIGINT or SIGTERM, then stops gracefully (in-flight requests
 * finish, queued writes are committed) and returns 0. Prints
 * "concerto serve: listening on http://ADDR:PORT ..." on stdout once the
 * socket accepts connections (with the real port when :0 was asked).
 *
 * The tool's main passes its arguments after the command name: argv[0] is
 * "serve". Returns the process exit status: 0, 1 on failure, 2 on a usage
 * error. */
#ifndef CONCERTO_HTTP_SERVE_H
#define CONCERTO_HTTP_SERVE_H

int cc_serve_main(int argc, char **argv);

#endif
