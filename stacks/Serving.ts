/**
 * Serving: the predict function (functions/predict.ts) behind a Function URL with IAM auth. It reads
 * the live pointer and model versions from the registry and model.onnx files from the model bucket.
 */
import { FunctionUrlAuthType, InvokeMode } from "aws-cdk-lib/aws-lambda";
import { type StackContext, use } from "sst/constructs";
import { storeStatements } from "./access.ts";
import { tollgateFunction } from "./function.ts";
import { suppress } from "./nag.ts";
import { Storage } from "./Storage.ts";
import { readDeploySettings, readServingSettings, settingsEnv } from "./settings.ts";

export function Serving({ stack }: StackContext) {
  const { dataBucket, modelBucket, table } = use(Storage);
  const settings = readDeploySettings();
  const serving = readServingSettings();
  const predict = tollgateFunction(stack, "Predict", {
    handler: "functions/predict.handler",
    description: "tollgate: predicts with the live model (onnxruntime, cached by version)",
    onnx: true,
    memorySize: 1024,
    timeoutSeconds: 30,
    // the composition root (functions/aws.ts) builds all three ports; predict only reads models and the registry
    environment: settingsEnv({
      dataBucket: dataBucket.bucketName,
      modelBucket: modelBucket.bucketName,
      registryTable: table.tableName,
      logLevel: settings.logLevel,
      modelName: serving.modelName,
    }),
    statements: storeStatements(
      { data: dataBucket, models: modelBucket, table },
      { models: { read: ["models/"] }, registry: ["getLive", "getModelVersion"] },
    ),
  });
  suppress(predict.role, "AwsSolutions-IAM5", "reads model files under models/ only", [
    { regex: "/^Resource::<Models[0-9A-F]{8}\\.Arn>\\/models\\/\\*$/" },
  ]);
  const url = predict.fn.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM, invokeMode: InvokeMode.BUFFERED });
  stack.addOutputs({ PredictUrl: url.url });
  return { predict, url };
}
