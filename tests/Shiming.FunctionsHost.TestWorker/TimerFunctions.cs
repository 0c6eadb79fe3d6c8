using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.TestWorker;

public sealed class TimerFunctions(ILogger<TimerFunctions> logger)
{
    /// <summary>Every second, with a run that takes longer than that, so occurrences come while it runs.</summary>
    [Function("Tick")]
    public async Task Tick([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken ct)
    {
        logger.LogInformation("Tick started IsPastDue={IsPastDue} Next={Next:O}", timer.IsPastDue, timer.ScheduleStatus?.Next);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        logger.LogInformation("Tick finished");
    }

    /// <summary>A short run on a schedule from the settings (yearly unless a test says otherwise).</summary>
    [Function("Beat")]
    public void Beat([TimerTrigger("%TestWorker__BeatSchedule%")] TimerInfo timer) =>
        logger.LogInformation("Beat ran IsPastDue={IsPastDue}", timer.IsPastDue);

    /// <summary>A yearly schedule that asks for a run when the host starts.</summary>
    [Function("Startup")]
    public void Startup([TimerTrigger("0 0 0 1 1 *", RunOnStartup = true)] TimerInfo timer) =>
        logger.LogInformation("Startup ran IsPastDue={IsPastDue}", timer.IsPastDue);

    /// <summary>Runs until it is cancelled, then takes a moment to finish its work and returns normally, as a drain that
    /// stops taking jobs and hands back the ones it holds does. Run on demand only.</summary>
    [Function("Linger")]
    public async Task Linger([TimerTrigger("0 0 0 1 1 *")] TimerInfo timer, CancellationToken ct)
    {
        logger.LogInformation("Linger started");
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }
        catch (OperationCanceledException)
        {
            logger.LogInformation("Linger saw its cancellation");
        }

        await Task.Delay(TimeSpan.FromMilliseconds(300), CancellationToken.None);
        logger.LogInformation("Linger finished its work");
    }
}
