using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.Worker;

/// <summary>One log item the worker sent over the stream (an RpcLog).</summary>
/// <param name="Category">The function's own items are filed under <c>Function.&lt;name&gt;</c>, as the host's console
/// shows them; the worker's category is in <paramref name="WorkerCategory"/>.</param>
/// <param name="Properties">The RpcLog's <c>propertiesMap</c>. Worker 2.52 fills it for custom metrics only: a
/// function's structured log fields reach the host already formatted into <paramref name="Message"/>.</param>
public sealed record WorkerLogEntry(
    DateTimeOffset Time,
    int WorkerProcessId,
    string Category,
    LogLevel Level,
    string Message,
    string? InvocationId,
    string? FunctionName = null,
    string WorkerCategory = "",
    string EventId = "",
    WorkerLogKind Kind = WorkerLogKind.User,
    WorkerLogException? Exception = null,
    IReadOnlyDictionary<string, string>? Properties = null)
{
    public IReadOnlyDictionary<string, string> Properties { get; init; } = Properties ?? new Dictionary<string, string>();
}

/// <summary>The RpcLog's <c>log_category</c>: a function's own line, the worker's, or a metric.</summary>
public enum WorkerLogKind
{
    User,
    System,
    CustomMetric,
}

/// <summary>The exception an RpcLog or a failed invocation carried.</summary>
public sealed record WorkerLogException(string? Type, string Message, string? Source, string? StackTrace)
{
    // Worker 2.52 names the type of a failed invocation's exception, but sends a logged exception as its ToString()
    // alone ("System.FormatException: text" and the stack below), so the type and the first lines are taken from that.
    private static readonly System.Text.RegularExpressions.Regex Described = new(
        @"\A(?<type>[A-Za-z_][\w.`+]*(?:Exception|Error)): (?<message>.*?)(?<rest>\r?\n(?: ---> |   at |--- ).*)?\z",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant,
        TimeSpan.FromSeconds(1));

    internal static WorkerLogException From(Microsoft.Azure.Functions.Worker.Grpc.Messages.RpcException exception)
    {
        string? type = exception.Type.Length == 0 ? null : exception.Type;
        var message = exception.Message;
        var stack = exception.StackTrace.Length == 0 ? null : exception.StackTrace;
        if (type is null && Described.Match(message) is { Success: true } described)
        {
            type = described.Groups["type"].Value;
            message = described.Groups["message"].Value;
            stack ??= described.Groups["rest"].Success ? described.Groups["rest"].Value.TrimStart('\r', '\n') : null;
        }

        return new WorkerLogException(type, message, exception.Source.Length == 0 ? null : exception.Source, stack);
    }

    /// <summary>The exception of a failed invocation's answer; null when it succeeded or there is no answer.</summary>
    internal static WorkerLogException? FailureOf(Microsoft.Azure.Functions.Worker.Grpc.Messages.InvocationResponse? response) =>
        response?.Result is { Status: not Microsoft.Azure.Functions.Worker.Grpc.Messages.StatusResult.Types.Status.Success, Exception: { } e } ? From(e) : null;

    /// <summary>As a console logger shows an exception: its type, its message, and its stack on the lines below.</summary>
    public override string ToString() =>
        StackTrace is null ? $"{Type ?? Source}: {Message}" : $"{Type ?? Source}: {Message}{Environment.NewLine}{StackTrace}";
}

/// <summary>One line the worker process wrote to its standard output or error (its console logger, or Console itself).</summary>
public sealed record WorkerConsoleLine(DateTimeOffset Time, int WorkerProcessId, bool IsError, string Text);

/// <summary>Every log item and console line of this host's workers, kept so tests can wait for one or look through all.</summary>
public sealed class WorkerLog
{
    private readonly ConcurrentQueue<WorkerLogEntry> _entries = new();
    private readonly ConcurrentQueue<WorkerConsoleLine> _console = new();
    private event Action? Added;

    public IReadOnlyList<WorkerLogEntry> Entries => [.. _entries];

    public IReadOnlyList<WorkerConsoleLine> ConsoleLines => [.. _console];

    /// <summary>The items the worker sent for one invocation.</summary>
    public IReadOnlyList<WorkerLogEntry> ForInvocation(string invocationId) =>
        [.. _entries.Where(e => string.Equals(e.InvocationId, invocationId, StringComparison.Ordinal))];

    /// <summary>Where <paramref name="text"/> occurs in anything kept: an item's message, category, event id, exception
    /// (type, message, source, stack) or properties, or a console line. Each match is described by where it is,
    /// never by its text, so an assertion message built from them repeats nothing that was logged.</summary>
    public IReadOnlyList<string> WhereContains(string text, StringComparison comparison = StringComparison.Ordinal)
    {
        var found = new List<string>();
        foreach (var entry in _entries)
        {
            var where = $"{entry.Level} item of worker {entry.WorkerProcessId} under {entry.Category}"
                + (entry.InvocationId is null ? "" : $" (invocation {entry.InvocationId})");
            Check(entry.Message, $"{where}: message");
            Check(entry.Category, $"{where}: category");
            Check(entry.WorkerCategory, $"{where}: worker category");
            Check(entry.EventId, $"{where}: event id");
            if (entry.Exception is { } exception)
            {
                Check(exception.Type, $"{where}: exception type");
                Check(exception.Message, $"{where}: exception message");
                Check(exception.Source, $"{where}: exception source");
                Check(exception.StackTrace, $"{where}: stack trace");
            }

            foreach (var (name, value) in entry.Properties)
            {
                Check(name, $"{where}: property name");
                Check(value, $"{where}: property {name}");
            }
        }

        foreach (var line in _console)
        {
            Check(line.Text, $"{(line.IsError ? "stderr" : "stdout")} line of worker {line.WorkerProcessId} at {line.Time:O}");
        }

        return found;

        void Check(string? value, string where)
        {
            if (value is not null && value.Contains(text, comparison))
            {
                found.Add(where);
            }
        }
    }

    internal void Add(WorkerLogEntry entry)
    {
        _entries.Enqueue(entry);
        Added?.Invoke();
    }

    internal void Add(WorkerConsoleLine line) => _console.Enqueue(line);

    /// <summary>Waits until an item matching <paramref name="match"/> has been logged, and returns it.</summary>
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
