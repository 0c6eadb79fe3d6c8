using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.TestWorker;

/// <summary>A queue trigger that fails for messages asking it to, so retries and the poison queue can be seen.</summary>
public sealed class QueueFunctions(ILogger<QueueFunctions> logger)
{
    [Function("Work")]
    public void Work([QueueTrigger("work-items")] string message, long dequeueCount, string id)
    {
        logger.LogInformation("Work received {Message} DequeueCount={DequeueCount} Id={Id}", message, dequeueCount, id);
        if (message.StartsWith("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("asked to fail");
        }
    }
}
