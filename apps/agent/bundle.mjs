// The agent daemon, bundled as every capsule app is (tooling/bundle), and
// its web status page: one minified browser script beside its HTML and CSS
// in dist/web, served by the agent itself (nothing from a CDN).
import { bundleApp, bundleWeb } from '@capsule/bundle';

await bundleApp(['capsule-agent']);
await bundleWeb('web', ['index.html', 'style.css']);
