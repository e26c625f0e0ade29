// ldm list output: the table, the parseable form (-p) and the constraints
// XML (list-constraints -x). The VERSION line is the corpus's.
import { readFileSync } from 'node:fs';

const CORPUS = readFileSync(new URL('../corpus/list-p-letters.txt', import.meta.url), 'utf8');
const VERSION = CORPUS.split('\n')[0];

/**
 * Flags as ldm prints them: position-dependent letters (`-n-cv-`), spelled
 * out only with `-l -p` (corpus/README.md). A start or stop in progress is
 * `s` (starting or stopping), a bind, unbind or migration `t` (transition).
 * A record's `flags` (a test putting the domain in a state) is printed as is.
 */
function letters(d) {
  if (d.flags !== undefined) return d.flags;
  const op = d.busy?.op;
  const starting = op === 'start' || op === 'stop';
  const col2 = op && !starting ? 't' : d.state === 'inactive' || starting ? '-' : 'n';
  return `${starting ? 's' : '-'}${col2}-${d.control ? 'cv' : '--'}-`;
}

/** The words of `-l -p`: only those the guide shows are spelled out; other letters stay letters (no source spells them). */
function flags(d, long) {
  const l = letters(d);
  if (!long || !/^-[n-]-[c-][v-]-$/.test(l)) return l;
  return [l[1] === 'n' ? 'normal' : '', l[3] === 'c' ? 'control' : '', l[4] === 'v' ? 'vio-service' : ''].filter(Boolean).join(',');
}

const GiB = 1024 ** 3;

export function parseable(domains, long = false) {
  const lines = [VERSION];
  for (const [name, d] of domains) {
    const active = d.state === 'active';
    lines.push(
      `DOMAIN|name=${name}|state=${d.state}|flags=${flags(d, long)}|cons=${d.cons ?? (d.control ? 'UART' : 5000)}|ncpu=${d.ncpu ?? 8}|mem=${(d.memGiB ?? 8) * GiB}|util=${active ? '0.4' : ''}|uptime=${active ? '60' : ''}|norm_util=${active ? '0.4' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function table(domains) {
  const rows = ['NAME             STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  NORM  UPTIME'];
  for (const [name, d] of domains) {
    const active = d.state === 'active';
    const f = letters(d);
    rows.push(`${name.padEnd(16)} ${d.state.padEnd(10)} ${f}  ${String(d.cons ?? (d.control ? 'UART' : 5000)).padEnd(7)} ${String(d.ncpu ?? 8).padEnd(5)} ${`${d.memGiB ?? 8}G`.padEnd(8)} ${active ? '0.4%' : ''.padEnd(4)}  ${active ? '0.4%' : ''.padEnd(4)}  ${active ? '1m' : ''}`);
  }
  return `${rows.join('\n')}\n`;
}

export function constraintsXml(name, d) {
  return `<?xml version="1.0"?>
<LDM_interface version="1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="./schemas/combined-v3.xsd" xmlns:ovf="./schemas/envelope" xmlns:rasd="./schemas/CIM_ResourceAllocationSettingData" xmlns:vssd="./schemas/CIM_VirtualSystemSettingData" xmlns:gprop="./schemas/GenericProperty" xmlns:bind="./schemas/Binding">
  <data version="3.0">
    <Envelope>
      <References/>
      <Content xsi:type="ovf:VirtualSystem_Type" ovf:id="${name}">
        <Section xsi:type="ovf:ResourceAllocationSection_Type">
          <Item>
            <rasd:OtherResourceType>ldom_info</rasd:OtherResourceType>
            <gprop:GenericProperty key="hostid">${d.hostid ?? '0x84f8e4a1'}</gprop:GenericProperty>
          </Item>
        </Section>
        <Section xsi:type="ovf:VirtualHardwareSection_Type">
          <Item>
            <rasd:OtherResourceType>cpu</rasd:OtherResourceType>
            <rasd:AllocationUnits>${d.ncpu ?? 8}</rasd:AllocationUnits>
          </Item>
          <Item>
            <rasd:OtherResourceType>memory</rasd:OtherResourceType>
            <rasd:AllocationUnits>${d.memGiB ?? 8}G</rasd:AllocationUnits>
          </Item>
        </Section>
      </Content>
    </Envelope>
  </data>
</LDM_interface>
`;
}
