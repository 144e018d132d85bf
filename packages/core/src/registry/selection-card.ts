/**
 * The hyperparameter search as a model card records it (`training.selection`, written by the Train
 * step from `ml/selection.ts`'s SelectionReport): read back by `tollgate models show` and the
 * console's training view.
 */
import { z } from "zod";

/** The values a fit used, chosen on validation or pinned. */
export const ChosenValues = z.object({
  learningRate: z.number(),
  l2: z.number(),
  ngramMax: z.number(),
  minDf: z.number(),
});

/** The card's `training.selection`: every candidate scored on validation, the rungs' and the exact solver's race's. */
export const SelectionCard = z.object({
  method: z.string(),
  budget: z.number(),
  passes: z.number(),
  seconds: z.number(),
  candidates: z.array(
    ChosenValues.extend({
      rung: z.number(),
      rows: z.number(),
      epochs: z.number(),
      validationAccuracy: z.number(),
      validationLoss: z.number(),
    }),
  ),
  chosen: ChosenValues,
  /** The exact solver's race on small data (`ml/dual-cd.ts` ExactReport), when it was considered. */
  exact: z
    .object({
      sgd: z.object({ validationAccuracy: z.number() }),
      candidates: z.array(
        z.object({
          c: z.number(),
          passes: z.number(),
          validationAccuracy: z.number(),
          validationLoss: z.number(),
          features: z.string().optional(),
          /** The features' weights per class when not plain (Naive Bayes log-count ratios: ml/nb-weights.ts). */
          weights: z.string().optional(),
        }),
      ),
      chosen: z.object({ c: z.number(), wide: z.literal(true).optional() }).nullable(),
      skipped: z.string().optional(),
    })
    .optional(),
});
export type SelectionCard = z.infer<typeof SelectionCard>;

/** One candidate of the exact solver's race, as the card records it. */
export type ExactCandidateCard = NonNullable<SelectionCard["exact"]>["candidates"][number];

/**
 * Whether `k` is the candidate the exact solver's race chose: its `c`, on the wide representation
 * (a candidate with `features`) when the choice is a wide one, else on Preprocess's features.
 */
export function isExactChosen(exact: SelectionCard["exact"], k: ExactCandidateCard): boolean {
  const chosen = exact?.chosen;
  return !!chosen && chosen.c === k.c && Boolean(chosen.wide) === Boolean(k.features);
}
