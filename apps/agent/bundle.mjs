// The agent daemon, bundled as every capsule app is (tooling/bundle).
import { bundleApp } from '@capsule/bundle';

await bundleApp(['capsule-agent']);
