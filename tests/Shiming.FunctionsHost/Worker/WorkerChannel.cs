using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using RpcException = Grpc.Core.RpcException;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.Worker;

/// <summary>The host's end of one worker's event stream: requests out, answers matched to what asked for them.</summary>
internal sealed class WorkerChannel
{
    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> _loads = new();
    private readonly ConcurrentDictionary<string, string> _invocationFunctions = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WorkerInitResponse> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<FunctionMetadataResponse> _metadata = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly WorkerLog _log;
    private int _streamTaken;

    public WorkerChannel(string workerId, ILoggerFactory loggerFactory, WorkerLog log)
    {
        WorkerId = workerId;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Host.Worker");
        _log = log;
    }

    public string WorkerId { get; }

    public int ProcessId { get; set; }

    public Task Connected => _connected.Task;

    public Task<WorkerInitResponse> InitResponse => _init.Task;

    public Task<FunctionMetadataResponse> MetadataResponse => _metadata.Task;

    public void Send(StreamingMessage message)
    {
        if (!_outgoing.Writer.TryWrite(message))
        {
            throw new WorkerUnavailableException("The worker's stream is closed.");
        }
    }

    public Task<FunctionLoadResponse> LoadAsync(FunctionLoadRequest request)
    {
        var answer = _loads.GetOrAdd(request.FunctionId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        Send(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), FunctionLoadRequest = request });
        return answer.Task;
    }

    /// <summary>Sends an invocation and waits for its answer; a cancelled wait tells the worker to cancel it.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, string functionName, CancellationToken ct)
    {
        var answer = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = answer;
        _invocationFunctions[request.InvocationId] = functionName;
        try
        {
            Send(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = request });
            using var registration = ct.Register(() =>
            {
                _outgoing.Writer.TryWrite(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
            });
            return await answer.Task.ConfigureAwait(false);
        }
        finally
        {
            _invocations.TryRemove(request.InvocationId, out _);
            _invocationFunctions.TryRemove(request.InvocationId, out _);
        }
    }

    /// <summary>Signals every invocation in flight, as the host does through each invocation's cancellation token when it
    /// shuts down, and waits up to <paramref name="timeout"/> for their answers.</summary>
    public async Task CancelInFlightAsync(TimeSpan timeout)
    {
        var pending = _invocations.ToArray();
        foreach (var (invocationId, _) in pending)
        {
            _outgoing.Writer.TryWrite(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocationId } });
        }

        try
        {
            await Task.WhenAll(pending.Select(p => p.Value.Task)).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or WorkerUnavailableException)
        {
            // What is still running when the time is up is ended by WorkerTerminate.
        }
    }

    /// <summary>Runs the stream the worker opened until either side ends it.</summary>
    public async Task RunStreamAsync(
        IAsyncStreamReader<StreamingMessage> requests,
        IServerStreamWriter<StreamingMessage> responses,
        CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _streamTaken, 1) == 1)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Worker {WorkerId} already has a stream."));
        }

        _connected.TrySetResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = Task.Run(
            async () =>
            {
                await foreach (var message in _outgoing.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    await responses.WriteAsync(message, stop.Token).ConfigureAwait(false);
                }
            },
            CancellationToken.None);
        try
        {
            while (await requests.MoveNext(stop.Token).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
        {
            // The worker went away or the host is stopping; Close below tells everyone waiting.
        }
        finally
        {
            stop.Cancel();
            try
            {
                await writing.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or RpcException)
            {
                // The stream is gone; there is no one left to write to.
            }

            Close();
        }
    }

    public void Close()
    {
        _outgoing.Writer.TryComplete();
        var gone = new WorkerUnavailableException($"Worker {WorkerId} is gone.");
        _init.TrySetException(gone);
        _metadata.TrySetException(gone);
        foreach (var pending in _loads.Values)
        {
            pending.TrySetException(gone);
        }

        foreach (var pending in _invocations.Values)
        {
            pending.TrySetException(gone);
        }

        _closed.TrySetResult();
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                _init.TrySetResult(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                _metadata.TrySetResult(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                _loads.GetOrAdd(message.FunctionLoadResponse.FunctionId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously))
                    .TrySetResult(message.FunctionLoadResponse);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var invocation))
                {
                    invocation.TrySetResult(message.InvocationResponse);
                }

                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                Log(message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.WorkerStatusRequest:
                _outgoing.Writer.TryWrite(new StreamingMessage { RequestId = message.RequestId, WorkerStatusResponse = new WorkerStatusResponse() });
                break;
            default:
                _logger.LogDebug("Ignored a {Message} from worker {WorkerId}", message.ContentCase, WorkerId);
                break;
        }
    }

    private void Log(RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        var invocationId = string.IsNullOrEmpty(log.InvocationId) ? null : log.InvocationId;

        // The host files a function's own lines under Function.<name>, as the Functions host's console does.
        var function = invocationId is not null && _invocationFunctions.TryGetValue(invocationId, out var name) ? name : null;
        var category = function is not null
            ? $"Function.{function}"
            : string.IsNullOrEmpty(log.Category) ? "Worker" : log.Category;
        var exception = log.Exception is { } e ? WorkerLogException.From(e) : null;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in log.PropertiesMap)
        {
            properties[key] = Text(value);
        }

        _log.Add(new WorkerLogEntry(
            DateTimeOffset.UtcNow,
            ProcessId,
            category,
            level,
            log.Message,
            invocationId,
            function,
            log.Category,
            log.EventId,
            log.LogCategory switch
            {
                RpcLog.Types.RpcLogCategory.System => WorkerLogKind.System,
                RpcLog.Types.RpcLogCategory.CustomMetric => WorkerLogKind.CustomMetric,
                _ => WorkerLogKind.User,
            },
            exception,
            properties));
        if (level != LogLevel.None)
        {
            var message = exception is null
                ? log.Message
                : $"{log.Message}{Environment.NewLine}{exception.Type ?? exception.Source}: {exception.Message}{Environment.NewLine}{exception.StackTrace}";
#pragma warning disable CA2254 // The worker formatted the line already; it is passed through as its text.
            _loggerFactory.CreateLogger(category).Log(level, message);
#pragma warning restore CA2254
        }
    }

    // A property's value as text, whichever TypedData case the worker chose.
    private static string Text(TypedData data) => data.DataCase switch
    {
        TypedData.DataOneofCase.String => data.String,
        TypedData.DataOneofCase.Json => data.Json,
        TypedData.DataOneofCase.Int => data.Int.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TypedData.DataOneofCase.Double => data.Double.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TypedData.DataOneofCase.Bytes => Convert.ToBase64String(data.Bytes.Span),
        TypedData.DataOneofCase.None => "",
        _ => data.ToString(),
    };
}

/// <summary>No worker is connected to take the request (it is starting, restarting or gone).</summary>
public sealed class WorkerUnavailableException(string message) : Exception(message);
