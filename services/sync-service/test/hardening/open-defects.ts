import type { FastifyInstance } from 'fastify';

/**
 * Defects these tests found whose fix lies outside src/infra and src/features/auth (openapi.yaml,
 * src/app.ts, other features), described in docs/reliability.md under "Open defects". Each entry
 * matches only the symptom it explains; anything else still fails. Delete an entry with its fix.
 */
export interface OpenDefect {
  id: string;
  /** A response-contract violation line the defect explains. */
  violation?: RegExp;
  /** A fuzz finding the defect explains: the status, the complaint, and the request described. */
  finding?: (status: number, complaint: string, request: string) => boolean;
}

export const openDefects: OpenDefect[] = [];

/**
 * Takes the response-contract violations that open defects explain out of the list the test harness
 * checks when the app closes; the rest still fail the file. Returns how many each defect explained.
 */
export function setAsideExplainedViolations(app: FastifyInstance): Record<string, number> {
  const explained: Record<string, number> = {};
  const unexplained = app.contractViolations.filter((violation) => {
    const defect = openDefects.find((candidate) => candidate.violation?.test(violation));
    if (defect) explained[defect.id] = (explained[defect.id] ?? 0) + 1;
    return !defect;
  });
  app.contractViolations.splice(0, app.contractViolations.length, ...unexplained);
  return explained;
}

export function explainingDefect(status: number, complaint: string, request: string): OpenDefect | undefined {
  return openDefects.find((defect) => defect.finding?.(status, complaint, request));
}
