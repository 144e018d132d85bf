/**
 * How a version was trained (its model card): the values chosen on validation, the validation
 * loss and accuracy per epoch of the final fit (or per round of sharded training), and every
 * candidate the selection tried with its validation scores, the chosen one marked.
 */
import type { VersionTraining } from "../../src/api-types.ts";
import { ratio } from "../format.ts";
import { Gridlines, polyline } from "./charts.tsx";

const num = (n: number) => (n >= 0.01 || n === 0 ? String(Number(n.toPrecision(3))) : n.toExponential(0));
const ngrams = (n: number) => (n >= 2 ? `1–${n}` : "1");

/** Validation loss (solid) and accuracy (dashed, right axis) per step; the kept step ringed. */
export function LossCurve({ training }: { training: VersionTraining }) {
  const { curve, per, best } = training;
  const [w, h, pad] = [640, 180, 40];
  const losses = curve.flatMap((p) => [p.validationLoss, p.trainLoss ?? p.validationLoss]);
  const [lo, hi] = [Math.min(...losses, 0), Math.max(...losses, 1e-9)];
  const x = (i: number) => pad + (curve.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (curve.length - 1));
  const y = (v: number) => h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad);
  const yAcc = (a: number) => h - pad - a * (h - 2 * pad);
  const path = (pick: (p: VersionTraining["curve"][number]) => number | null, scale: (v: number) => number) =>
    polyline(curve.map(pick), x, scale);
  return (
    <svg class="loss-curve" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={`loss per ${per}`}>
      <Gridlines ticks={[lo, (lo + hi) / 2, hi]} from={pad} to={w - pad} y={y} />
      {[0, 1].map((a) => (
        <text key={a} x={w - pad + 6} y={yAcc(a) + 4} class="axis">
          {a === 0 ? "0" : "acc 1"}
        </text>
      ))}
      <path d={path((p) => p.trainLoss, y)} class="series-train" />
      <path d={path((p) => p.validationLoss, y)} class="series-loss" />
      <path d={path((p) => p.validationAccuracy, yAcc)} class="series-accuracy" />
      {curve.map((p, i) => (
        <g key={p.step} class={`step ${p.step === best ? "best" : ""}`} data-step={p.step}>
          <title>{`${per} ${p.step}: validation loss ${p.validationLoss.toFixed(4)}, accuracy ${ratio(p.validationAccuracy)}${p.trainLoss === null ? "" : `, training loss ${p.trainLoss.toFixed(4)}`}`}</title>
          {p.step === best && <circle cx={x(i)} cy={y(p.validationLoss)} r={8} class="best-ring" />}
          <circle cx={x(i)} cy={y(p.validationLoss)} r={4} class="dot" />
          <text x={x(i)} y={h - 14} text-anchor="middle" class="axis">
            {p.step}
          </text>
        </g>
      ))}
      <text x={w / 2} y={h - 2} text-anchor="middle" class="axis-title">
        {per}
      </text>
      <text x={w - pad} y={14} text-anchor="end" class="legend-text">
        — validation loss · ··· training loss · - - validation accuracy (0–1)
      </text>
    </svg>
  );
}

type Candidate = VersionTraining["candidates"][number];
type RaceCandidate = NonNullable<VersionTraining["exact"]>["candidates"][number];

/** The race's winner, when the model is the exact solver's (then no SGD candidate is the model). */
const raceWinner = (training: VersionTraining) => training.exact?.candidates.find((k) => k.chosen);

/** Whether `c` is the candidate the selection chose (the chosen values, on the last rung) and the model is SGD's. */
function chosenTest(training: VersionTraining): (c: Candidate) => boolean {
  const { chosen, candidates } = training;
  const last = Math.max(...candidates.map((k) => k.rung));
  const sgd = raceWinner(training) === undefined;
  return (c) =>
    sgd &&
    chosen !== null &&
    c.rung === last &&
    c.learningRate === chosen.learningRate &&
    c.l2 === chosen.l2 &&
    c.ngramMax === chosen.ngramMax &&
    c.minDf === chosen.minDf;
}

const raceFeatures = (k: RaceCandidate) =>
  `${k.features ?? "Preprocess's features"}${k.weights ? `, ${k.weights}` : ""}`;

/** One bar of the candidates chart. */
interface Bar {
  group: string;
  title: string;
  accuracy: number;
  loss: number;
  chosen: boolean;
}

/** The chart's bars: the selection's candidates by rung, then the exact solver's race. */
function bars(training: VersionTraining): Bar[] {
  const isChosen = chosenTest(training);
  return [
    ...training.candidates.map((c) => ({
      group: `rung ${c.rung}`,
      title: `rung ${c.rung}: learning rate ${num(c.learningRate)}, L2 ${num(c.l2)}, n-grams ${ngrams(c.ngramMax)}, min df ${c.minDf}; ${c.rows} rows, ${c.epochs} epochs; validation accuracy ${ratio(c.validationAccuracy)}, loss ${c.validationLoss.toFixed(4)}`,
      accuracy: c.validationAccuracy,
      loss: c.validationLoss,
      chosen: isChosen(c),
    })),
    ...(training.exact?.candidates ?? []).map((k) => ({
      group: "exact race",
      title: `exact solver: c = ${num(k.c)} on ${raceFeatures(k)}, ${k.passes} passes; validation accuracy ${ratio(k.validationAccuracy)}, loss ${k.validationLoss.toFixed(4)}`,
      accuracy: k.validationAccuracy,
      loss: k.validationLoss,
      chosen: k.chosen,
    })),
  ];
}

/**
 * Every candidate's validation accuracy as a bar and its validation loss as a dot (right axis),
 * grouped by rung (successive halving) and then the exact solver's race, the chosen one marked.
 */
export function CandidatesChart({ training }: { training: VersionTraining }) {
  const all = bars(training);
  const [h, pad, bar, gap] = [180, 40, 14, 18];
  const accs = all.map((b) => b.accuracy);
  const lo = Math.max(0, Math.floor((Math.min(...accs) - 0.02) * 50) / 50);
  const hi = Math.min(1, Math.ceil((Math.max(...accs) + 0.005) * 100) / 100);
  const y = (v: number) => h - pad - ((v - lo) / (hi - lo || 1)) * (h - 2 * pad);
  let x = pad;
  const placed = all.map((b, i) => {
    if (i > 0 && b.group !== all[i - 1]?.group) x += gap;
    const at = x;
    x += bar + 4;
    return { b, at };
  });
  const w = Math.max(480, x + pad);
  const maxLoss = Math.max(...all.map((b) => b.loss), 1e-9);
  const yLoss = (v: number) => h - pad - (v / maxLoss) * (h - 2 * pad);
  const groups = [...new Set(all.map((b) => b.group))];
  return (
    <svg
      class="candidates-chart"
      viewBox={`0 0 ${w} ${h}`}
      width={w}
      height={h}
      role="img"
      aria-label="validation accuracy and loss of each candidate"
    >
      <Gridlines ticks={[lo, (lo + hi) / 2, hi]} from={pad} to={w - pad / 2} y={y} />
      {placed.map(({ b, at }, i) => (
        <rect
          key={i}
          x={at}
          y={y(b.accuracy)}
          width={bar}
          height={Math.max(1, h - pad - y(b.accuracy))}
          class={`candidate-bar rung-${groups.indexOf(b.group) % 4} ${b.chosen ? "chosen" : ""}`}
          data-group={b.group}
        >
          <title>{b.title}</title>
        </rect>
      ))}
      {placed.map(({ b, at }, i) => (
        <circle key={i} cx={at + bar / 2} cy={yLoss(b.loss)} r={3.5} class="candidate-loss" />
      ))}
      {[0, maxLoss].map((v) => (
        <text key={v} x={w - pad / 2 + 4} y={yLoss(v) + 4} class="axis">
          {v === 0 ? "loss 0" : v.toFixed(2)}
        </text>
      ))}
      {groups.map((g) => {
        const xs = placed.filter((p) => p.b.group === g).map((p) => p.at);
        return (
          <text
            key={g}
            x={(Math.min(...xs) + Math.max(...xs) + bar) / 2}
            y={h - pad + 16}
            text-anchor="middle"
            class="axis"
          >
            {g}
          </text>
        );
      })}
      <text x={w - pad / 2} y={14} text-anchor="end" class="legend-text">
        bars: validation accuracy · dots: validation loss (right) · chosen in dark
      </text>
    </svg>
  );
}

/** The exact solver's race: each candidate against the SGD fit's validation accuracy, the chosen one marked. */
function RaceTable({ exact }: { exact: NonNullable<VersionTraining["exact"]> }) {
  if (!exact.candidates.length)
    return <p class="muted race">exact solver race: not run ({exact.skipped ?? "no budget left"})</p>;
  return (
    <table class="grid race">
      <caption>
        exact solver race (dual coordinate descent, LIBLINEAR -s 7) against the SGD fit's validation accuracy{" "}
        {ratio(exact.sgdValidationAccuracy)}
      </caption>
      <thead>
        <tr>
          <th class="num">c</th>
          <th>Features</th>
          <th class="num">Passes</th>
          <th class="num">Val. accuracy</th>
          <th class="num">Val. loss</th>
        </tr>
      </thead>
      <tbody>
        {exact.candidates.map((k, i) => (
          <tr key={i} class={k.chosen ? "chosen" : ""}>
            <td class="num">{num(k.c)}</td>
            <td>{raceFeatures(k)}</td>
            <td class="num">{k.passes}</td>
            <td class="num">{ratio(k.validationAccuracy)}</td>
            <td class="num">{k.validationLoss.toFixed(4)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The training section of a version's panel. */
export function TrainingSummary({ training }: { training: VersionTraining }) {
  const { chosen, candidates, exact } = training;
  const isChosen = chosenTest(training);
  const winner = raceWinner(training);
  const mark = (name: keyof VersionTraining["pinned"]) =>
    training.pinned[name] === undefined ? null : <span class="pinned"> (pinned)</span>;
  return (
    <div class="training" data-candidates={candidates.length} data-model={winner ? "exact" : "sgd"}>
      <h3>Training</h3>
      {winner && exact && (
        <p class="chosen-exact">
          chosen on validation: <strong>dual coordinate descent, c = {num(winner.c)}</strong> on {raceFeatures(winner)},
          validation accuracy <strong>{ratio(winner.validationAccuracy)}</strong> against the SGD fit's{" "}
          {ratio(exact.sgdValidationAccuracy)}
        </p>
      )}
      <p class="chosen">
        {chosen ? (
          <>
            {winner ? "the SGD fit it beat" : candidates.length > 0 ? "chosen on validation" : "fitted with"}: learning
            rate <strong>{num(chosen.learningRate)}</strong>
            {mark("learningRate")} · L2 <strong>{num(chosen.l2)}</strong>
            {mark("l2")} · n-grams <strong>{ngrams(chosen.ngramMax)}</strong>
            {mark("ngramMax")} · min df <strong>{chosen.minDf}</strong>
            {mark("minDf")}{" "}
            {candidates.length > 0 ? (
              <>
                (best of {candidates.length}, {training.passes} passes, {training.seconds?.toFixed(1)} s)
              </>
            ) : (
              <span class="muted">(no search: every value pinned, or selection budget 1)</span>
            )}
          </>
        ) : (
          <span class="muted">no hyperparameter selection recorded</span>
        )}
        {training.refit && (
          <>
            {" "}
            · refit on train + validation:{" "}
            {training.refit.solver
              ? `${training.refit.solver}, ${training.refit.epochs} passes`
              : `${training.refit.epochs} epochs`}{" "}
            over {training.refit.rows} rows
          </>
        )}
      </p>
      {training.curve.length > 0 && <LossCurve training={training} />}
      {candidates.length > 0 && <CandidatesChart training={training} />}
      {candidates.length > 0 && (
        <table class="grid candidates">
          <thead>
            <tr>
              <th class="num">Rung</th>
              <th class="num">Learning rate</th>
              <th class="num">L2</th>
              <th>n-grams</th>
              <th class="num">Min df</th>
              <th class="num">Rows</th>
              <th class="num">Epochs</th>
              <th class="num">Val. accuracy</th>
              <th class="num">Val. loss</th>
            </tr>
          </thead>
          <tbody>
            {candidates.map((c, i) => (
              <tr key={i} class={isChosen(c) ? "chosen" : ""}>
                <td class="num">{c.rung}</td>
                <td class="num">{num(c.learningRate)}</td>
                <td class="num">{num(c.l2)}</td>
                <td>{ngrams(c.ngramMax)}</td>
                <td class="num">{c.minDf}</td>
                <td class="num">{c.rows}</td>
                <td class="num">{c.epochs}</td>
                <td class="num">{ratio(c.validationAccuracy)}</td>
                <td class="num">{c.validationLoss.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {exact && <RaceTable exact={exact} />}
      {training.method && <p class="muted">{training.method}</p>}
    </div>
  );
}
