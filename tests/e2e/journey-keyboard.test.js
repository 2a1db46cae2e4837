'use strict';
/* The main journey, keyboard run (see lib/journey.js). */
require('./lib/journey').journey('keyboard');
