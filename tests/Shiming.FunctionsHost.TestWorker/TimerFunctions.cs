using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.TestWorker;

/// <summary>A timer every second whose run takes longer than that, so occurrences come while it runs.</summary>
public sealed class TimerFunctions(ILogger<TimerFunctions> logger)
{
    [Function("Tick")]
    public async Task Tick([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken ct)
    {
        logger.LogInformation("Tick started IsPastDue={IsPastDue} Next={Next:O}", timer.IsPastDue, timer.ScheduleStatus?.Next);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        logger.LogInformation("Tick finished");
    }
}
