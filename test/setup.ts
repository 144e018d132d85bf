// Node 20 lacks Promise.withResolvers, which aws-local-stepfunctions 3 needs (see packages/local/src/polyfill.ts).
import "../packages/local/src/polyfill.ts";
