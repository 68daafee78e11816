import type { FastifyInstance } from 'fastify';
import type { FaultInput } from '../faults/rules.js';
import { faultView, type FaultsService } from '../faults/service.js';
import { AdminError } from './errors.js';
import { FAULT_INPUT } from './schemas.js';

/** `GET`, `POST /faults`, `DELETE /faults/{id}` (operator.md, "Faults, exactly"). */
export function registerFaultRoutes(app: FastifyInstance, faults: FaultsService): void {
  app.get('/faults', async () => ({ faults: (await faults.list()).map(faultView) }));
  app.post<{ Body: FaultInput }>('/faults', { schema: { body: FAULT_INPUT } }, async (req, reply) =>
    reply.code(201).send(faultView(await faults.create(req.body))),
  );
  app.delete<{ Params: { id: string } }>('/faults/:id', async (req, reply) => {
    if (!/^\d{1,15}$/.test(req.params.id)) throw new AdminError(400, 'id: a whole number');
    await faults.delete(Number(req.params.id));
    return reply.code(204).send();
  });
}
