using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Shiming.Tests.Infrastructure;

/// <summary>A running Azurite (Blob, Queue and Table) on loopback ports of its own, with in-memory storage.</summary>
internal sealed class AzuriteInstance : IAsyncDisposable
{
    // The emulator's published well-known account; not a secret.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    internal AzuriteInstance(Process process, Uri blobService, Uri queueService, Uri tableService)
    {
        _process = process;
        BlobEndpoint = new Uri(blobService, AccountName);
        QueueEndpoint = new Uri(queueService, AccountName);
        TableEndpoint = new Uri(tableService, AccountName);
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";
        _onProcessExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    public string ConnectionString { get; }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    internal bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Killed but slow to be reaped; nothing more can be done from here.
        }

        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
    }
}

/// <summary>Starts Azurite from the repository's node_modules.</summary>
internal static partial class Azurite
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static AzuriteInstance? _shared;

    // Azurite runs as a child of a small node watchdog that ends it when its stdin closes, which happens when
    // this process goes away by any means, a crash included; otherwise an emulator would outlive the test run.
    // SIGKILL, because a graceful Azurite shutdown can wait on open connections indefinitely.
    private const string Watchdog =
        """
        const { spawn } = require('node:child_process');
        const [azurite, ...args] = process.argv.slice(1);
        const child = spawn(process.execPath, [azurite, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
        const stop = () => { child.kill('SIGKILL'); process.exit(0); };
        process.stdin.on('end', stop);
        process.stdin.on('error', stop);
        process.stdin.resume();
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
        process.on('SIGHUP', stop);
        child.on('exit', (code) => process.exit(code ?? 1));
        """;

    /// <summary>Starts a new instance; the caller disposes it.</summary>
    /// <param name="location">A folder to keep the data in, so that an instance started again on it finds it (in memory when null).</param>
    /// <param name="samePortsAs">An instance, stopped, whose ports this one takes over: clients connected to it reach this one.</param>
    public static async Task<AzuriteInstance> StartAsync(CancellationToken ct = default, string? location = null, AzuriteInstance? samePortsAs = null)
    {
        var azurite = Path.Combine(Repository.Root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed ({azurite} is missing): run `npm ci` in {Repository.Root}.");
        }

        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        // The storage SDKs send a newer service version than Azurite 3.37 knows; the run command (npm run azurite) skips
        // the check the same way.
        string[] arguments =
        [
            "-e", Watchdog, "--", azurite,
            .. location is null ? ["--inMemoryPersistence"] : new[] { "--location", location },
            "--silent", "--disableTelemetry", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--blobPort", Port(samePortsAs?.BlobEndpoint),
            "--queueHost", "127.0.0.1", "--queuePort", Port(samePortsAs?.QueueEndpoint),
            "--tableHost", "127.0.0.1", "--tablePort", Port(samePortsAs?.TableEndpoint),
        ];
        static string Port(Uri? endpoint) => (endpoint?.Port ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("Azurite needs node on the PATH, and it could not be started.", e);
        }

        var output = new StringBuilder();
        var endpoints = new Dictionary<string, Uri>(StringComparer.Ordinal);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
                // With port 0 Azurite picks free ports itself and reports them, so no port can be taken in between.
                var match = ListeningLine().Match(line);
                if (match.Success)
                {
                    endpoints[match.Groups["service"].Value] = new Uri(match.Groups["url"].Value);
                    if (endpoints.Count == 3)
                    {
                        ready.TrySetResult();
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("Azurite exited while starting."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var instance = default(AzuriteInstance);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(StartTimeout);
            await ready.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            instance = new AzuriteInstance(process, endpoints["Blob"], endpoints["Queue"], endpoints["Table"]);
            foreach (var endpoint in endpoints.Values)
            {
                await WaitForPortAsync(endpoint, timeout.Token).ConfigureAwait(false);
            }

            return instance;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or SocketException)
        {
            if (instance is not null)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited by itself.
                }

                process.Dispose();
            }

            if (e is OperationCanceledException && ct.IsCancellationRequested)
            {
                throw;
            }

            string log;
            lock (output)
            {
                log = output.ToString();
            }

            throw new InvalidOperationException($"Azurite did not start within {StartTimeout.TotalSeconds:0} s. Its output:\n{log}", e);
        }
    }

    /// <summary>The one instance shared by the whole test run, started on first use (and again if it died).</summary>
    public static async Task<AzuriteInstance> GetSharedAsync()
    {
        await SharedGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_shared is { HasExited: true })
            {
                await _shared.DisposeAsync().ConfigureAwait(false);
                _shared = null;
            }

            return _shared ??= await StartAsync().ConfigureAwait(false);
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>Stops the shared instance, if it was started.</summary>
    public static async Task StopSharedAsync()
    {
        await SharedGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_shared is not null)
            {
                await _shared.DisposeAsync().ConfigureAwait(false);
                _shared = null;
            }
        }
        finally
        {
            SharedGate.Release();
        }
    }

    private static async Task WaitForPortAsync(Uri endpoint, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(endpoint.Host, endpoint.Port, ct).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at (?<url>http://\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();
}
