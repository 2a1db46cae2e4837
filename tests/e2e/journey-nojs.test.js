'use strict';
/* The main journey, nojs run (see lib/journey.js). */
require('./lib/journey').journey('nojs');
