using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.TestWorker;

/// <summary>Queue triggers on queues named by settings, so a host of a test's own can give them queues of its own.</summary>
public sealed class QueueFunctions(ILogger<QueueFunctions> logger)
{
    /// <summary>Fails for messages asking it to, so retries and the poison queue can be seen.</summary>
    [Function("Work")]
    public void Work([QueueTrigger("%TestWorker__WorkQueue%")] string message, long dequeueCount, string id)
    {
        logger.LogInformation("Work received {Message} DequeueCount={DequeueCount} Id={Id}", message, dequeueCount, id);
        if (message.StartsWith("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("asked to fail");
        }
    }

    /// <summary>Only logs what it got; tests disable it.</summary>
    [Function("Idle")]
    public void Idle([QueueTrigger("%TestWorker__IdleQueue%")] string message) =>
        logger.LogInformation("Idle received {Message}", message);

    /// <summary>Logs its message at several levels, with an exception, and writes it to the console; fails when asked.</summary>
    [Function("Report")]
    public void Report([QueueTrigger("%TestWorker__ReportQueue%")] string message)
    {
        logger.LogInformation("Report received {Message}", message);
        logger.LogWarning(new FormatException($"format trouble {message}"), "Report warned about {Message}", message);
        Console.WriteLine($"Report wrote {message} to stdout");
        Console.Error.WriteLine($"Report wrote {message} to stderr");
        if (message.StartsWith("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"asked to fail by {message}");
        }
    }
}
