import type { ChunkPlan, Synchronizer, SynchronizerFactory } from './synchronizer';

// biome-ignore lint/suspicious/noExplicitAny: each part keeps its own types; the sequence only routes them.
type AnySynchronizer = Synchronizer<any, any, any, ChunkPlan>;
// biome-ignore lint/suspicious/noExplicitAny: as above.
type AnyFactory = SynchronizerFactory<any, any, any, any>;

/** A chunk, what it loaded, its decisions or its plan, with the part of the sequence it belongs to. */
interface OfPart<Value> {
  part: number;
  value: Value;
}

type PartPlan = ChunkPlan & OfPart<ChunkPlan>;

/**
 * Several synchronizers as one, in order (a whole-directory run: users, then groups), so the run around them
 * stays one run: one row, one lease, one threshold, one end. Each part reads in turn; the threshold judges
 * each part's staged deletions against its own selection, and holds the whole run back when any is over it;
 * then each part's deletions, then each part's deferred work, are committed in the parts' order. Every
 * chunk goes to the part it came from.
 */
export function inSequence(
  ...factories: AnyFactory[]
): SynchronizerFactory<OfPart<unknown>, OfPart<unknown>, OfPart<unknown[]>, PartPlan> {
  return (context) => {
    const parts: AnySynchronizer[] = factories.map((factory) => factory(context));
    const selectedOf: number[] = [];
    /** The part whose deletions (then deferred work) are being handed out. */
    let deleting = 0;
    let deferring = 0;
    const each = async (step: (part: AnySynchronizer) => Promise<unknown>) => {
      for (const part of parts) await step(part);
    };

    return {
      // What the run names in its end: the parts that had something to cover (users, and groups if any).
      get objects() {
        return parts
          .filter((_, index) => index === 0 || (selectedOf[index] ?? 0) > 0)
          .map((part) => part.objects)
          .join(' and ');
      },
      async read(commit) {
        let selected = 0;
        for (const [index, part] of parts.entries()) {
          selectedOf[index] = await part.read((chunk) => commit({ part: index, value: chunk }));
          selected += selectedOf[index];
        }
        return selected;
      },
      load: async (trx, chunk) => ({
        part: chunk.part,
        value: await parts[chunk.part].load(trx, chunk.value),
      }),
      decide: (chunk, stored) => [
        { part: chunk.part, value: parts[chunk.part].decide(chunk.value, stored.value) },
      ],
      plan(chunk, stored, [decisions]) {
        const plan = parts[chunk.part].plan(chunk.value, stored.value, decisions.value);
        return { tally: plan.tally, part: chunk.part, value: plan };
      },
      apply: (trx, plan) => parts[plan.part].apply(trx, plan.value),
      // Without the plan (a dropped COMMIT that landed) no part knows it was its chunk: each is told.
      committed: (plan) =>
        plan ? parts[plan.part].committed(plan.value) : each((part) => part.committed(null)),
      judgeAgain: (error) => parts.some((part) => part.judgeAgain(error)),
      async stagedDeletions() {
        const staged = [];
        for (const [index, part] of parts.entries())
          staged.push(...(await part.stagedDeletions(selectedOf[index])));
        return staged;
      },
      async nextDeletions(mode) {
        for (; deleting < parts.length; deleting += 1) {
          const chunk = await parts[deleting].nextDeletions(mode);
          if (chunk !== null) return { part: deleting, value: chunk };
        }
        return null;
      },
      async nextDeferred() {
        for (; deferring < parts.length; deferring += 1) {
          const chunk = await parts[deferring].nextDeferred();
          if (chunk !== null) return { part: deferring, value: chunk };
        }
        return null;
      },
      settled: () => each((part) => part.settled()),
      finish: (trx, end) => each((part) => part.finish(trx, end)),
      abandon: () => each((part) => part.abandon()),
    };
  };
}
