/**
 * How a version was trained, from its model card (written by the Train step): the hyperparameters
 * chosen on validation, every candidate the selection tried with its validation scores, and the
 * validation loss per epoch of the final fit (or per round once training is sharded), and the
 * values the user pinned (tollgate.config.json `training.*`), which were not searched.
 */

import { ChosenValues, isExactChosen, SelectionCard } from "@tollgate/core/registry/selection-card";
import { z } from "zod";
import type { VersionTraining } from "../api-types.ts";

/** The parts of the model card this view reads; the rest is ignored. */
export const TrainingCard = z.object({
  training: ChosenValues.partial().extend({
    selection: SelectionCard.optional(),
    bestEpoch: z.number().optional(),
    refit: z
      .union([z.literal(false), z.object({ epochs: z.number(), rows: z.number(), solver: z.string().optional() })])
      .optional(),
  }),
  validation: z.object({ accuracy: z.number(), loss: z.number() }),
  curve: z
    .array(
      z.object({
        epoch: z.number(),
        trainLoss: z.number(),
        validationLoss: z.number(),
        validationAccuracy: z.number(),
      }),
    )
    .default([]),
  rounds: z
    .array(
      z.object({
        round: z.number(),
        trainLoss: z.number().nullable(),
        validationLoss: z.number(),
        validationAccuracy: z.number(),
      }),
    )
    .default([]),
  bestRound: z.number().optional(),
  settings: z.object({ pinned: z.partialRecord(ChosenValues.keyof(), z.number()).optional() }).optional(),
});

/**
 * The console's view of a model card's training section.
 * @example trainingView(TrainingCard.parse(JSON.parse(cardText))).candidates.length // 10
 */
export function trainingView(card: z.infer<typeof TrainingCard>): VersionTraining {
  const { selection, bestEpoch, refit, learningRate, l2, ngramMax, minDf } = card.training;
  const sharded = card.rounds.length > 0 && card.curve.length === 0;
  // Without a search (budget 1, or every value pinned) the card still has the values it fitted with.
  const fitted = ChosenValues.safeParse({ learningRate, l2, ngramMax, minDf });
  return {
    chosen: selection?.chosen ?? (fitted.success ? fitted.data : null),
    pinned: card.settings?.pinned ?? {},
    method: selection?.method ?? null,
    budget: selection?.budget ?? null,
    passes: selection?.passes ?? null,
    seconds: selection?.seconds ?? null,
    candidates: selection?.candidates ?? [],
    per: sharded ? "round" : "epoch",
    curve: sharded
      ? card.rounds.map((r) => ({ step: r.round, ...r }))
      : card.curve.map((e) => ({ step: e.epoch, ...e })),
    best: (sharded ? card.bestRound : bestEpoch) ?? null,
    refit: refit || null,
    validation: card.validation,
    exact: exactRace(selection?.exact),
  };
}

/** The race's candidates with the chosen one marked. */
function exactRace(exact: SelectionCard["exact"]): VersionTraining["exact"] {
  if (!exact) return null;
  return {
    sgdValidationAccuracy: exact.sgd.validationAccuracy,
    candidates: exact.candidates.map((k) => ({
      c: k.c,
      passes: k.passes,
      features: k.features ?? null,
      weights: k.weights ?? null,
      validationAccuracy: k.validationAccuracy,
      validationLoss: k.validationLoss,
      chosen: isExactChosen(exact, k),
    })),
    skipped: exact.skipped ?? null,
  };
}
