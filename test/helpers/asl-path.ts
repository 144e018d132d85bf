/**
 * The top-level states a run of workflows/retrain.asl.json enters, read from the file: from StartAt
 * along `Next`, taking at each Choice state the branch the test names (else its Default), until a
 * state ends the run.
 * Tests that check a run's path take it from here, so adding a state to the ASL needs no test edit.
 */
import { readFileSync } from "node:fs";
import type { AslDefinition } from "@tollgate/core/workflow/asl";

export const ASL_FILE = "workflows/retrain.asl.json";
export const readAsl = (): AslDefinition => JSON.parse(readFileSync(ASL_FILE, "utf8")) as AslDefinition;

/**
 * @example pathThrough(readAsl(), { Gate: "Approval", Approval: "Promote" }) // ["Etl", "CheckNewData", "NewData", "Preprocess", …, "Gate", "Approval", "Promote"]
 */
export function pathThrough(asl: AslDefinition, choices: Record<string, string>): string[] {
  const path: string[] = [];
  let name: string | undefined = asl.StartAt;
  while (name !== undefined) {
    if (path.includes(name)) throw new Error(`the path loops at ${name}`);
    path.push(name);
    const state: AslDefinition["States"][string] | undefined = asl.States[name];
    if (!state) throw new Error(`no state ${name}`);
    if (state.Type === "Choice") {
      name = choices[name] ?? (typeof state.Default === "string" ? state.Default : undefined);
      if (!name) throw new Error(`say which branch of ${path.at(-1)} to take`);
    } else {
      name = typeof state.Next === "string" ? state.Next : undefined;
    }
  }
  return path;
}
