import type { ExecResult } from '@capsule/core';
import { testContext } from '@capsule/testenv';
import { applyQuotas, parseZfsGet, wantedQuotas } from './zfs.js';

const G = 1024 ** 3;

// OpenSVC's provisioner rules: none or a multiple of an unset size leaves the property alone; values in whole MiB.
test.each<[Parameters<typeof wantedQuotas>[0], ReturnType<typeof wantedQuotas>]>([
  [{}, {}],
  [{ refquota: { times: 1 } }, {}],
  [{ size: { bytes: 10 * G }, refquota: { times: 1 } }, { refquota: 10240 }],
  [{ size: { bytes: 10 * G }, refquota: { times: 1 }, quota: { times: 2 } }, { refquota: 10240, quota: 20480 }],
  [{ size: { bytes: 10 * G }, refquota: { none: true }, quota: { bytes: G } }, { quota: 1024 }],
  [{ size: { lvm: '50%FREE' }, refquota: { times: 1 } }, {}],
  [{ quota: { bytes: 1000 } }, {}],
])('%j -> %j', (cfg, wanted) => expect(wantedQuotas(cfg)).toEqual(wanted));

test('zfs get -H -p output', () => {
  expect(parseZfsGet('refquota\t10737418240\nquota\t0\n')).toEqual({ refquota: 10 * G, quota: 0 });
  expect(parseZfsGet('quota\tnone\n')).toEqual({ quota: 0 });
});

/** An exec that records each argv and answers from a table. */
function recorder(answers: Record<string, Partial<ExecResult>>) {
  const calls: string[] = [];
  const exec = async (argv: readonly string[]): Promise<ExecResult> => {
    calls.push(argv.join(' '));
    return { code: 0, stdout: '', stderr: '', ...answers[argv.slice(0, 2).join(' ')] };
  };
  return { calls, ctx: testContext(exec) };
}

test('only the properties that differ are set, in MiB, on the dataset', async () => {
  const { calls, ctx } = recorder({ 'zfs get': { stdout: `refquota\t${10 * G}\nquota\t0\n` } });
  await applyQuotas(ctx, 'fs#1', 'tank/web', { refquota: 10240, quota: 20480 });
  expect(calls).toEqual(['zfs get -H -p -o property,value refquota,quota tank/web', 'zfs set quota=20480M tank/web']);
});

test('nothing wanted: zfs is not run at all', async () => {
  const { calls, ctx } = recorder({});
  await applyQuotas(ctx, 'fs#1', 'tank/web', {});
  expect(calls).toEqual([]);
});

test.each<[string, Partial<ExecResult>, string, string]>([
  ['zfs set', { code: 1, stderr: "cannot set property for 'tank/web': size is less than current used or reserved space" }, 'fs#1: zfs set refquota=1024M tank/web failed', 'quota and'],
  ['zfs get', { code: 127, stderr: 'zfs: not found' }, 'fs#1: zfs get refquota tank/web failed', 'install zfsutils-linux'],
])('%s failing is one error naming the resource and the command', async (step, answer, message, hint) => {
  const { ctx } = recorder({ [step]: answer, ...(step === 'zfs set' ? { 'zfs get': { stdout: 'refquota\t0\n' } } : {}) });
  await expect(applyQuotas(ctx, 'fs#1', 'tank/web', { refquota: 1024 })).rejects.toMatchObject({ message: expect.stringContaining(message), hint: expect.stringContaining(hint) });
});
