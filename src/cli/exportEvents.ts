/** `npm run export -- [--after POS]`: the global log as NDJSON on stdout, in log order. */
import { once } from 'node:events';
import { isPosition } from '../events';
import { getLogUpcaster } from '../read-api';
import { fail, openStores, runCli } from './context';

async function main() {
  const args = process.argv.slice(2);
  const afterIndex = args.indexOf('--after');
  const after = afterIndex >= 0 ? args[afterIndex + 1] : undefined;
  if (afterIndex >= 0 && (!after || !isPosition(after))) fail('usage: npm run export -- [--after POSITION]');
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
