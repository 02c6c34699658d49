/** `npm run export -- [--after POS]`: the global log as NDJSON on stdout, in log order. */
import { once } from 'node:events';
import { isPosition } from '../events';
import { getLogUpcaster } from '../read-api';
import { cliArgs, fail, openStores, runCli } from './context';

async function main() {
  const { values } = cliArgs({
    usage: 'npm run export -- [--after POSITION]',
    help: [
      'Writes the global event log to stdout as NDJSON, one event a line in log order, each in',
      "today's shape (old shapes upcast), with its stream, revision, position and time.",
      '  --after POSITION  start after this position (a checkpoint or an X-Event-Position)',
    ].join('\n'),
    options: { after: { type: 'string' } },
  });
  const after = values.after;
  if (after !== undefined && !isPosition(after)) fail(`--after is not a log position: ${after}`);
  const stores = openStores();
  try {
    let position = after;
    const upcast = getLogUpcaster(stores.eventStore); // today's shape of every event
    for (;;) {
      const page = await stores.eventStore.readAll({ after: position, limit: 5000 });
      if (page.length === 0) break;
      for (const recorded of page) {
        const e = await upcast(recorded);
        const line = JSON.stringify({
          stream: e.streamId,
          type: e.type,
          data: e.data,
          metadata: e.metadata,
          revision: Number(e.revision),
          position: e.position,
          recordedAt: e.recordedAt.toISOString(),
        });
        if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
      }
      position = page[page.length - 1]!.position;
    }
  } finally {
    await stores.close();
  }
}

runCli(main);
