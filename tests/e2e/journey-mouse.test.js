'use strict';
/* The main journey, mouse run (see lib/journey.js). */
require('./lib/journey').journey('mouse');
