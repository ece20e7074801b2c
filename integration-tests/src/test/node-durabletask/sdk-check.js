// The Durable Task JavaScript SDK against Taskhub: a worker runs a greeting orchestration (three activities, a
// durable timer, an external event), and a client starts it, raises the event and waits for it. Prints one line of
// JSON with what the client saw; exits non-zero on any failure. TASKHUB_GRPC is host:port, INSTANCE_ID the id.
const { TaskHubGrpcClient, TaskHubGrpcWorker, NoOpLogger } = require("@microsoft/durabletask-js");

const hostAddress = process.env.TASKHUB_GRPC;
const instanceId = process.env.INSTANCE_ID;

const sayHello = async (_ctx, city) => `Hello ${city}!`;

const greeting = async function* (ctx) {
  const greetings = [];
  for (const city of ["Tokyo", "Seattle", "London"]) {
    greetings.push(yield ctx.callActivity("JsSayHello", city));
  }
  yield ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + 1000));
  ctx.setCustomStatus("waiting for approval");
  const approval = yield ctx.waitForExternalEvent("Approve");
  return { greetings, approval };
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const worker = new TaskHubGrpcWorker({ hostAddress, logger: new NoOpLogger() });
  worker.addNamedOrchestrator("JsGreeting", greeting);
  worker.addNamedActivity("JsSayHello", sayHello);
  await worker.start();
  const client = new TaskHubGrpcClient({ hostAddress, logger: new NoOpLogger() });
  try {
    const id = await client.scheduleNewOrchestration("JsGreeting", undefined, instanceId);
    let waiting = false;
    for (let i = 0; i < 600 && !waiting; i++) {
      const state = await client.getOrchestrationState(id, true);
      waiting = state !== undefined && state.serializedCustomStatus === JSON.stringify("waiting for approval");
      if (!waiting) {
        await sleep(100);
      }
    }
    if (!waiting) {
      throw new Error("the orchestration never waited for its event");
    }
    await client.raiseOrchestrationEvent(id, "Approve", { by: "javascript" });
    const done = await client.waitForOrchestrationCompletion(id, true, 60);
    console.log(JSON.stringify({ id, runtimeStatus: done.runtimeStatus, output: JSON.parse(done.serializedOutput) }));
  } finally {
    await worker.stop();
    await client.stop();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
