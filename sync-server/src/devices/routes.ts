// /devices: register this device, list the account's devices, rename one, remove one (audited).
import { registerDeviceRequest } from '@heimdex/shared-schema/protocol';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { makeAuthRepo } from '../auth/repository.ts';
import type { AuthEnv } from '../auth/middleware.ts';
import type { Db } from '../db/types.ts';
import { valid } from '../middleware/validate.ts';
import { makeDevicesRepo } from './repository.ts';

const deviceParams = z.object({ deviceId: z.string().uuid('must be an id') });

export function deviceRoutes(db: Db, ipOf: (c: Context) => string | null) {
  const repo = makeDevicesRepo(db);
  return new Hono<AuthEnv>()
    .post('/', valid('json', registerDeviceRequest), async (c) => c.json(await repo.register(c.get('userId'), c.req.valid('json').name), 201))
    .get('/', async (c) => c.json({ devices: await repo.list(c.get('userId')) }))
    .patch('/:deviceId', valid('param', deviceParams), valid('json', registerDeviceRequest), async (c) => {
      const renamed = await repo.rename(c.get('userId'), c.req.valid('param').deviceId, c.req.valid('json').name);
      return renamed ? c.json(renamed) : c.json({ error: 'No such device in your account.' }, 404);
    })
    .delete('/:deviceId', valid('param', deviceParams), async (c) => {
      const userId = c.get('userId');
      const { deviceId } = c.req.valid('param');
      const removed = await db.transaction(async (tx) => {
        if (!(await makeDevicesRepo(tx).remove(userId, deviceId))) return false;
        await makeAuthRepo(tx).audit({ userId, action: 'device_removed', ip: ipOf(c), metadata: { deviceId } });
        return true;
      });
      return removed ? c.body(null, 204) : c.json({ error: 'No such device in your account.' }, 404);
    });
}
