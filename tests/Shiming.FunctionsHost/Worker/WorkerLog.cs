using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.Worker;

/// <summary>One log line the worker sent over the stream (an RpcLog).</summary>
public sealed record WorkerLogEntry(DateTimeOffset Time, int WorkerProcessId, string Category, LogLevel Level, string Message, string? InvocationId);

/// <summary>Every worker log line of this host, kept so callers can wait for one.</summary>
public sealed class WorkerLog
{
    private readonly ConcurrentQueue<WorkerLogEntry> _entries = new();
    private event Action? Added;

    public IReadOnlyList<WorkerLogEntry> Entries => [.. _entries];

    internal void Add(WorkerLogEntry entry)
    {
        _entries.Enqueue(entry);
        Added?.Invoke();
    }

    /// <summary>Waits until a line matching <paramref name="match"/> has been logged, and returns it.</summary>
    public async Task<WorkerLogEntry> WaitForAsync(Func<WorkerLogEntry, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<WorkerLogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            foreach (var entry in _entries)
            {
                if (match(entry))
                {
                    found.TrySetResult(entry);
                    return;
                }
            }
        }

        Added += Check;
        try
        {
            Check();
            return await found.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        finally
        {
            Added -= Check;
        }
    }
}
