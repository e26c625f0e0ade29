import { keywords } from './keywords.js';

// Keywords OpenSVC b2.1 defines for lxc containers that the differential (tooling/opensvc-diff) found unknown here:
// accepted (validate config does not warn) and kept as written.
test.each(['template', 'template_options', 'create_environment', 'create_configs_environment', 'create_secrets_environment', 'osvc_root_path', 'guestos', 'promote_rw'])('%s is accepted and kept as written', (name) => {
  const spec = keywords.find((k) => k.name === name);
  expect(spec?.schema.safeParse('some value')).toEqual({ success: true, data: 'some value' });
});
