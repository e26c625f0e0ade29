// The CLI's programs, bundled as every capsule app is (tooling/bundle).
import { bundleApp } from '@capsule/bundle';

await bundleApp(['svcmgr', 'nodemgr', 'svcmon']);
