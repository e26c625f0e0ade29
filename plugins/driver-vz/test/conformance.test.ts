// The vz driver through the conformance suite, on the vzctl simulator.
import { runConformance } from '@capsule/conformance';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { conformanceFixture, VzHosts } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };

runConformance(driver, manifest.capsule.capabilities ?? {}, conformanceFixture(new VzHosts()));
