// The app resource driver.
import { defineDriver } from '@capsule/core';
import { App } from './app.js';
import { keywords } from './keywords.js';

export default defineDriver({ provides: ['app'], keywords, create: (init) => new App(init) });
