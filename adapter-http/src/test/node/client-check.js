// Drives a running Taskhub server through the durable-functions npm client, the way an Azure Functions app
// would: a DurableClient is built from durableClient binding data (TASKHUB_BINDING, as served by
// /taskhub/v1/durable-client). MODE is "rpc" (rpcBaseUrl set) or "management" (management URLs only).
// Prints one JSON object with every result on stdout; exits non-zero with a message on the first failure.
"use strict";

const df = require("durable-functions");

const mode = process.env.MODE;
// Instance ids carry this tag, so runs in one server (and the samples' per-id bookkeeping) never collide.
const tag = `${mode}-${process.env.RUN_TAG || "run"}`;
const binding = JSON.parse(process.env.TASKHUB_BINDING);
if (mode === "management") {
    delete binding.rpcBaseUrl;
} else if (mode !== "rpc") {
    fail(`MODE must be "rpc" or "management", was ${mode}`);
}
// Without WEBSITE_HOSTNAME the client rewrites every URL to localhost:7071 (the Functions host default).
process.env.WEBSITE_HOSTNAME = new URL(binding.baseUrl).host;

// A stand-in for the Functions host's invocation context: one durableClient input with the binding data.
const clientInput = df.input.durableClient();
const context = { options: { extraInputs: [clientInput] }, extraInputs: { get: () => binding } };
const client = df.getClient(context);
const request = { url: new URL("/api/check", binding.baseUrl).href };

const results = { mode };

function fail(message) {
    process.stderr.write(`client-check (${mode}): ${message}\n`);
    process.exit(1);
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(instanceId, status) {
    const deadline = Date.now() + 30000;
    let last;
    while (Date.now() < deadline) {
        last = await client.getStatus(instanceId);
        if (last.runtimeStatus === status) {
            return last;
        }
        await sleep(50);
    }
    throw new Error(`${instanceId} did not become ${status}; last status ${last && last.runtimeStatus}`);
}

async function responseSummary(response) {
    const headers = {};
    response.headers.forEach((value, key) => { headers[key] = value; });
    return { status: response.status, headers, body: await response.json() };
}

async function errorOf(promise) {
    try {
        await promise;
        return null;
    } catch (e) {
        return e.message;
    }
}

async function main() {
    const from = new Date(Date.now() - 2000);

    // startNew: without input and id, with input and id.
    const hello = await client.startNew("E1_HelloSequence");
    const fanId = `npm-fan-${tag}`;
    const fan = await client.startNew("FanOutFanIn", { instanceId: fanId, input: { count: 4 } });
    results.startNew = { generatedId: hello, givenId: fan };

    // waitForCompletionOrCreateCheckStatusResponse: completes in time, then one that cannot.
    const waited = await client.waitForCompletionOrCreateCheckStatusResponse(request, hello,
        { timeoutInMilliseconds: 20000, retryIntervalInMilliseconds: 100 });
    results.waitCompleted = await responseSummary(waited);

    // getStatus with history and input options.
    await waitFor(fanId, "Completed");
    const full = await client.getStatus(fanId, { showHistory: true, showHistoryOutput: true, showInput: true });
    const noInput = await client.getStatus(fanId, { showInput: false });
    results.getStatus = {
        full: { name: full.name, instanceId: full.instanceId, runtimeStatus: full.runtimeStatus, input: full.input,
            output: full.output, customStatus: full.customStatus, createdTime: full.createdTime,
            lastUpdatedTime: full.lastUpdatedTime },
        withoutInput: { input: noInput.input, output: noInput.output },
    };
    results.getStatusMissing = await errorOf(client.getStatus(`npm-missing-${tag}`));

    // raiseEvent to a waiting instance.
    const approvalId = `npm-approval-${tag}`;
    await client.startNew("Approval", { instanceId: approvalId, input: { timeoutSeconds: 3600 } });
    await waitFor(approvalId, "Running");
    await client.raiseEvent(approvalId, "ApprovalEvent", { approved: true });
    results.raiseEvent = { output: (await waitFor(approvalId, "Completed")).output };

    // suspend, resume, terminate.
    const lifeId = `npm-life-${tag}`;
    await client.startNew("Approval", { instanceId: lifeId, input: { timeoutSeconds: 3600 } });
    await waitFor(lifeId, "Running");
    const pending = await client.waitForCompletionOrCreateCheckStatusResponse(request, lifeId,
        { timeoutInMilliseconds: 300, retryIntervalInMilliseconds: 100 });
    results.waitTimedOut = await responseSummary(pending);
    await client.suspend(lifeId, "pause");
    const suspended = (await waitFor(lifeId, "Suspended")).runtimeStatus;
    await client.resume(lifeId, "go");
    const resumed = (await waitFor(lifeId, "Running")).runtimeStatus;
    await client.terminate(lifeId, "stop");
    const terminated = await waitFor(lifeId, "Terminated");
    results.lifecycle = { suspended, resumed, terminated: terminated.runtimeStatus, output: terminated.output,
        terminateAgain: await errorOf(client.terminate(lifeId, "again")) };

    // rewind a failed instance.
    const rewindId = `npm-rewind-${tag}`;
    await client.startNew("RewindDemo", { instanceId: rewindId });
    await waitFor(rewindId, "Failed");
    await client.rewind(rewindId, "retry");
    results.rewind = { output: (await waitFor(rewindId, "Completed")).output,
        rewindCompleted: await errorOf(client.rewind(rewindId, "again")) };

    // getStatusAll and getStatusBy (time range and statuses).
    const to = new Date(Date.now() + 60000);
    results.getStatusAll = (await client.getStatusAll()).map((s) => s.instanceId).sort();
    results.getStatusByCompleted = (await client.getStatusBy({ createdTimeFrom: from, createdTimeTo: to,
        runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] })).map((s) => s.instanceId).sort();
    results.getStatusByTerminatedOrFailed = (await client.getStatusBy({ createdTimeFrom: from, createdTimeTo: to,
        runtimeStatus: [df.OrchestrationRuntimeStatus.Terminated, df.OrchestrationRuntimeStatus.Failed] }))
        .map((s) => s.instanceId).sort();
    results.getStatusByPast = (await client.getStatusBy({ createdTimeFrom: new Date(0),
        createdTimeTo: new Date(from.getTime() - 60000) })).length;

    // purgeInstanceHistory and purgeInstanceHistoryBy.
    results.purgeOne = await client.purgeInstanceHistory(hello);
    results.purgeOneAgain = await client.purgeInstanceHistory(hello);
    results.purgeBy = await client.purgeInstanceHistoryBy({ createdTimeFrom: from, createdTimeTo: to,
        runtimeStatus: [df.OrchestrationRuntimeStatus.Completed, df.OrchestrationRuntimeStatus.Terminated] });
    results.afterPurge = (await client.getStatusAll()).map((s) => s.instanceId).sort();

    // the management payload the client builds from its binding data.
    results.managementPayload = client.createHttpManagementPayload("some-id");

    process.stdout.write(JSON.stringify(results));
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
