using System.Globalization;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.Timers;

/// <summary>Runs one timer-triggered function on its NCRONTAB schedule, one run at a time.</summary>
internal sealed class TimerScheduler(
    WorkerSupervisor supervisor,
    string functionName,
    TimerPlan plan,
    bool runOnStartup,
    TimeProvider time,
    ILogger logger)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var run = runOnStartup ? new TimerRun(now, IsPastDue: false) : new TimerRun(plan.NextAfter(now), IsPastDue: false);
        DateTime? last = null;
        while (!ct.IsCancellationRequested)
        {
            var wait = run.Due - time.GetUtcNow().UtcDateTime;
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct).ConfigureAwait(false);
                }

                await InvokeAsync(run, last, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            last = run.Due;
            run = plan.Next(run.Due, time.GetUtcNow().UtcDateTime);
        }
    }

    private async Task InvokeAsync(TimerRun run, DateTime? last, CancellationToken ct)
    {
        ReadyWorker worker;
        try
        {
            worker = await supervisor.GetReadyAsync(ct).ConfigureAwait(false);
        }
        catch (WorkerUnavailableException)
        {
            return;
        }

        var function = worker.Functions.FirstOrDefault(f => f.Name == functionName);
        if (function is null)
        {
            return;
        }

        var next = plan.NextAfter(run.Due);
        var timerInfo = JsonSerializer.Serialize(new
        {
            Schedule = new { AdjustForDST = true },
            ScheduleStatus = new { Last = last ?? DateTime.MinValue, Next = next, LastUpdated = time.GetUtcNow().UtcDateTime },
            run.IsPastDue,
        });
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = function.Id,
            TraceContext = new RpcTraceContext(),
        };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Json = timerInfo } });
        logger.LogInformation(
            "Executing 'Functions.{Function}' (Reason='Timer fired at {Now}', Id={InvocationId})",
            functionName,
            time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            request.InvocationId);
        try
        {
            var answer = await worker.Channel.InvokeAsync(request, functionName, ct).ConfigureAwait(false);
            logger.LogInformation(
                "Executed 'Functions.{Function}' ({Outcome}, Id={InvocationId})",
                functionName,
                answer.Result.Status == StatusResult.Types.Status.Success ? "Succeeded" : "Failed",
                request.InvocationId);
        }
        catch (WorkerUnavailableException)
        {
            logger.LogWarning("The worker went away during 'Functions.{Function}' ({InvocationId})", functionName, request.InvocationId);
        }
    }
}
