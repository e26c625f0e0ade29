// The service units a platform's build ships under share/capsule/, each to be
// copied where its service manager reads it. On every platform stopping the
// unit stops the agent only: the services the agent runs stay up.
import type { Target } from '../select.js';
import { LAUNCHD_LABEL, launchdPlist } from './launchd.js';
import { rcdScript } from './rcd.js';
import { smfManifest } from './smf.js';
import { systemdUnit, type UnitOptions } from './systemd.js';

export interface UnitFile {
  /** Relative to the build's top directory. */
  path: string;
  text: string;
  mode: number;
}

export function unitFiles(platform: Target, o: UnitOptions): UnitFile[] {
  switch (platform) {
    case 'sunos':
      return [{ path: 'share/capsule/smf/capsule.xml', text: smfManifest(o), mode: 0o644 }];
    case 'freebsd':
      return [{ path: 'share/capsule/rc.d/capsule', text: rcdScript(o), mode: 0o755 }];
    case 'darwin':
      return [{ path: `share/capsule/launchd/${LAUNCHD_LABEL}.plist`, text: launchdPlist(o), mode: 0o644 }];
    case 'linux':
      return [{ path: 'share/capsule/systemd/capsule.service', text: systemdUnit(o), mode: 0o644 }];
    default:
      return [];
  }
}
