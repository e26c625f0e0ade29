// The vcloud driver passes the container conformance suite against the
// Cloud Director simulator, its guests real sshd servers that answer while
// the VM is powered on.
import { runConformance } from '@capsule/conformance';
import { apiConformanceFixture } from '@capsule/sim-https';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { VcloudWorld } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
runConformance(driver, manifest.capsule.capabilities ?? {}, apiConformanceFixture(new VcloudWorld(), 'vcd-'));
