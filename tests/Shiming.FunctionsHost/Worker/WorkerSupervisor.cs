using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.Worker;

/// <summary>A worker that is connected and has every function loaded.</summary>
internal sealed record ReadyWorker(WorkerChannel Channel, Process Process, Uri HttpUri, IReadOnlyList<FunctionDescription> Functions);

/// <summary>How the last worker process ended.</summary>
public sealed record WorkerExit(int ProcessId, int ExitCode, bool Killed);

/// <summary>Starts the worker process, takes it through init, metadata and load, restarts it when it dies,
/// and sends it WorkerTerminate when the host stops.</summary>
internal sealed class WorkerSupervisor : IAsyncDisposable
{
    private readonly FunctionsHostOptions _options;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Func<Uri> _hostEndpoint;
    private readonly WorkerRegistry _registry;
    private readonly WorkerLog _log;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly Stack<DateTimeOffset> _errors = new();
    private readonly TaskCompletionSource _gaveUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<ReadyWorker> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _supervising;
    private int _killedProcessId;

    public WorkerSupervisor(
        FunctionsHostOptions options,
        IReadOnlyDictionary<string, string> environment,
        Func<Uri> hostEndpoint,
        WorkerRegistry registry,
        WorkerLog log,
        ILoggerFactory loggerFactory)
    {
        _options = options;
        _environment = environment;
        _hostEndpoint = hostEndpoint;
        _registry = registry;
        _log = log;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Host.Worker");
    }

    public WorkerExit? LastExit { get; private set; }

    /// <summary>Completes when the worker kept dying and the host stopped restarting it, as the host's
    /// <c>RpcFunctionInvocationDispatcher</c> does: three errors, each within 30 minutes of the one before, and it gives up
    /// (the host then recycles itself).</summary>
    public Task GaveUp => _gaveUp.Task;

    private const int RestartErrorLimit = 3;
    private static readonly TimeSpan ThresholdBetweenRestarts = TimeSpan.FromMinutes(30);

    // The host's error bucket: an error long after the last one starts the count again.
    private bool RecordErrorAndGiveUp()
    {
        var now = DateTimeOffset.UtcNow;
        if (_errors.TryPeek(out var last) && now - last > ThresholdBetweenRestarts)
        {
            _errors.Clear();
        }

        _errors.Push(now);
        if (_errors.Count < RestartErrorLimit)
        {
            return false;
        }

        _logger.LogError("Exceeded language worker restart retry count for runtime:dotnet-isolated. Shutting down and proactively recycling the Functions Host to recover");
        lock (_gate)
        {
            if (_ready.Task.IsCompleted)
            {
                _ready = new TaskCompletionSource<ReadyWorker>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _ready.TrySetException(new WorkerUnavailableException("The worker kept exiting; the host stopped restarting it."));
        }

        _gaveUp.TrySetResult();
        return true;
    }

    /// <summary>The worker that is ready now, or the next one to become ready.</summary>
    public Task<ReadyWorker> GetReadyAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            return _ready.Task.WaitAsync(ct);
        }
    }

    /// <summary>Starts the first worker and waits until its functions are loaded; later deaths restart it.</summary>
    public async Task<ReadyWorker> StartAsync(CancellationToken ct)
    {
        var first = await StartWorkerAsync(ct).ConfigureAwait(false);
        Publish(first);
        _supervising = Task.Run(() => SuperviseAsync(first, _stopping.Token), CancellationToken.None);
        return first;
    }

    /// <summary>Kills the ready worker at once, as a crash would end it, and waits for it to be gone; the
    /// supervisor then starts another as after any death. Callers asking for a worker from here on wait for that one.</summary>
    public async Task<int> KillAsync(CancellationToken ct)
    {
        var worker = await GetReadyAsync(ct).ConfigureAwait(false);

        // The exit handler may dispose the Process as soon as it has exited, so its id is read now.
        var processId = worker.Process.Id;
        Volatile.Write(ref _killedProcessId, processId);
        Unpublish();
        _logger.LogWarning("Killing worker process {ProcessId}", processId);
        Kill(worker.Process);
        int exitCode;
        try
        {
            await worker.Process.WaitForExitAsync(ct).ConfigureAwait(false);
            exitCode = worker.Process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            exitCode = 128 + 9; // released already: what a shell reports for a process ended by SIGKILL
        }

        LastExit = new WorkerExit(processId, exitCode, Killed: true);
        return processId;
    }

    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        var current = _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : null;
        if (current is not null)
        {
            // Worker 2.52 exits on WorkerTerminate without waiting for its functions, so the host's own drain comes first:
            // the invocations in flight are cancelled and have the grace period to answer.
            await current.Channel.CancelInFlightAsync(_options.GracePeriod).ConfigureAwait(false);
            await TerminateAsync(current).ConfigureAwait(false);
        }

        if (_supervising is not null)
        {
            await _supervising.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Publish(ReadyWorker worker)
    {
        lock (_gate)
        {
            if (!_ready.TrySetResult(worker))
            {
                _ready = new TaskCompletionSource<ReadyWorker>(TaskCreationOptions.RunContinuationsAsynchronously);
                _ready.SetResult(worker);
            }
        }
    }

    private void Unpublish()
    {
        lock (_gate)
        {
            if (_ready.Task.IsCompleted)
            {
                _ready = new TaskCompletionSource<ReadyWorker>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task SuperviseAsync(ReadyWorker current, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await current.Process.WaitForExitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Unpublish();
            current.Channel.Close();
            _registry.Remove(current.Channel);
            LastExit = new WorkerExit(current.Process.Id, current.Process.ExitCode, Killed: Volatile.Read(ref _killedProcessId) == current.Process.Id);
            _logger.LogWarning(
                "Worker process {ProcessId} exited with code {ExitCode}",
                current.Process.Id,
                current.Process.ExitCode);
            current.Process.Dispose();
            if (RecordErrorAndGiveUp())
            {
                return;
            }

            while (true)
            {
                try
                {
                    await Task.Delay(_options.RestartDelay, stopping).ConfigureAwait(false);
                    current = await StartWorkerAsync(stopping).ConfigureAwait(false);
                    Publish(current);
                    break;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is WorkerUnavailableException or InvalidOperationException or TimeoutException or Win32Exception or OperationCanceledException)
                {
                    _logger.LogError(e, "A new worker did not start");
                    if (RecordErrorAndGiveUp())
                    {
                        return;
                    }
                }
            }
        }
    }

    private async Task<ReadyWorker> StartWorkerAsync(CancellationToken ct)
    {
        var (executable, workerPath) = ReadWorkerConfig(_options.ScriptRoot);

        var workerId = Guid.NewGuid().ToString();
        var channel = new WorkerChannel(workerId, _loggerFactory, _log);
        _registry.Add(channel);

        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _options.ScriptRoot,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(Path.Combine(_options.ScriptRoot, workerPath));
        foreach (var argument in new[]
        {
            "--functions-uri", _hostEndpoint().ToString(),
            "--functions-worker-id", workerId,
            "--functions-request-id", Guid.NewGuid().ToString(),
            "--functions-grpc-max-message-length", int.MaxValue.ToString(CultureInfo.InvariantCulture),
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{executable} did not start.");
        channel.ProcessId = process.Id;

        // A worker whose host has gone keeps running on its own, so one that outlives this process is ended with it.
        EventHandler onExit = (_, _) => Kill(process);
        AppDomain.CurrentDomain.ProcessExit += onExit;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => AppDomain.CurrentDomain.ProcessExit -= onExit;
        var console = _loggerFactory.CreateLogger("Host.Worker.Console");
        var processId = process.Id;
        process.OutputDataReceived += (_, e) => LogConsole(console, isError: false, processId, e.Data);
        process.ErrorDataReceived += (_, e) => LogConsole(console, isError: true, processId, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _logger.LogInformation("Started worker process {ProcessId} ({WorkerPath})", process.Id, workerPath);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.WorkerStartTimeout);
        WorkerUnavailableException? died = null;
        try
        {
            var exited = process.WaitForExitAsync(timeout.Token);
            var connected = await Task.WhenAny(channel.Connected, exited).ConfigureAwait(false);
            if (connected != channel.Connected)
            {
                await exited.ConfigureAwait(false);
                throw died = Died(process, processId, "before it connected");
            }

            channel.Send(new StreamingMessage
            {
                RequestId = Guid.NewGuid().ToString(),
                WorkerInitRequest = new WorkerInitRequest
                {
                    HostVersion = FunctionsHost.HostVersion,
                    WorkerDirectory = _options.ScriptRoot,
                    FunctionAppDirectory = _options.ScriptRoot,
                },
            });
            var init = await channel.InitResponse.WaitAsync(timeout.Token).ConfigureAwait(false);
            Expect(init.Result, "WorkerInitResponse");
            var httpUri = init.Capabilities.TryGetValue("HttpUri", out var uri)
                ? new Uri(uri)
                : throw new InvalidOperationException("The worker has no HttpUri capability: is it built with ConfigureFunctionsWebApplication?");

            channel.Send(new StreamingMessage
            {
                RequestId = Guid.NewGuid().ToString(),
                FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _options.ScriptRoot },
            });
            var metadata = await channel.MetadataResponse.WaitAsync(timeout.Token).ConfigureAwait(false);
            Expect(metadata.Result, "FunctionMetadataResponse");

            var functions = new List<FunctionDescription>();
            foreach (var function in metadata.FunctionMetadataResults)
            {
                var load = await channel.LoadAsync(new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function })
                    .WaitAsync(timeout.Token).ConfigureAwait(false);
                Expect(load.Result, $"FunctionLoadResponse for {function.Name}");
                functions.Add(new FunctionDescription(
                    function.FunctionId,
                    function.Name,
                    [.. function.RawBindings.Select(b => JsonNode.Parse(b) as JsonObject ?? [])]));
            }

            await WaitForListenerAsync(httpUri, process, timeout.Token).ConfigureAwait(false);
            _logger.LogInformation(
                "Worker process {ProcessId} loaded {Count} functions: {Functions}",
                process.Id,
                functions.Count,
                string.Join(", ", functions.Select(f => f.Name)));
            return new ReadyWorker(channel, process, httpUri, functions);
        }
        catch (Exception e) when (e is WorkerUnavailableException or InvalidOperationException
            && !ReferenceEquals(e, died) && process.WaitForExit(TimeSpan.FromSeconds(2)))
        {
            channel.Close();
            _registry.Remove(channel);
            throw Died(process, processId, "while it was starting");
        }
        catch
        {
            Kill(process);
            channel.Close();
            _registry.Remove(channel);
            throw;
        }
    }

    /// <summary>
    /// A worker that died while starting, with its last lines on stderr: as Core Tools shows them, the worker's own last
    /// words say why (a setting that failed validation, say).
    /// </summary>
    private WorkerUnavailableException Died(Process process, int processId, string when)
    {
        process.WaitForExit(); // the redirected output is read to its end
        // Stack frames are left out: what is left is the exception's type and message, and its inner ones'.
        var errors = _log.ConsoleLines
            .Where(l => l.WorkerProcessId == processId && l.IsError && !l.Text.TrimStart().StartsWith("at ", StringComparison.Ordinal))
            .TakeLast(20).Select(l => l.Text).ToList();
        return new WorkerUnavailableException(
            $"The worker exited with code {process.ExitCode} {when}."
            + (errors.Count > 0 ? $" Its last lines on stderr:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}" : ""));
    }

    // The worker names its HttpUri before its listener is open; a request sent in between would be refused while
    // the worker waits for it, so the worker counts as ready once the listener takes connections.
    /// <summary>The command that starts the worker, from worker.config.json's description.</summary>
    internal static (string Executable, string WorkerPath) ReadWorkerConfig(string scriptRoot)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(scriptRoot, "worker.config.json")))?["description"]
            ?? throw new InvalidOperationException("worker.config.json has no description.");
        var executable = config["defaultExecutablePath"]?.ToString() ?? "dotnet";
        var workerPath = config["defaultWorkerPath"]?.ToString()
            ?? throw new InvalidOperationException("worker.config.json names no defaultWorkerPath.");
        return (executable, workerPath);
    }

    private static async Task WaitForListenerAsync(Uri httpUri, Process process, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(httpUri.Host, httpUri.Port, ct).ConfigureAwait(false);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                if (process.HasExited)
                {
                    throw new WorkerUnavailableException($"The worker exited with code {process.ExitCode} before its listener opened.");
                }

                await Task.Delay(50, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task TerminateAsync(ReadyWorker worker)
    {
        var process = worker.Process;
        var killed = false;
        try
        {
            worker.Channel.Send(new StreamingMessage
            {
                WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(_options.GracePeriod) },
            });
            using var grace = new CancellationTokenSource(_options.GracePeriod + TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WorkerUnavailableException)
        {
            _logger.LogWarning("Worker process {ProcessId} did not stop within its grace period; killing it", process.Id);
            killed = Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        LastExit = new WorkerExit(process.Id, process.ExitCode, killed);
        _logger.LogInformation("Worker process {ProcessId} stopped with code {ExitCode}", process.Id, process.ExitCode);
        worker.Channel.Close();
        _registry.Remove(worker.Channel);
    }

    private static bool Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                return true;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }

        return false;
    }

    private static void Expect(StatusResult result, string what)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker's {what} was {result.Status}: {result.Exception?.Message}");
        }
    }

    private void LogConsole(ILogger logger, bool isError, int processId, string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            _log.Add(new WorkerConsoleLine(DateTimeOffset.UtcNow, processId, isError, line));
            logger.Log(isError ? LogLevel.Warning : LogLevel.Information, "[{ProcessId}] {Line}", processId, line);
        }
    }
}
