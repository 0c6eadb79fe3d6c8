using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Shiming.Benchmark;

/// <summary>
/// A built program from this project's output (the app, or the Baidu emulator) started as its own process on a free
/// loopback port, and ready once it answers HTTP. Its log is counted by level, not kept: a long run writes a line per job.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly Action<string>? _onLine;
    private int _warnings;
    private int _errors;

    private ServiceProcess(Process process, Uri baseAddress, Action<string>? onLine)
    {
        _process = process;
        _onLine = onLine;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Warnings => Volatile.Read(ref _warnings);

    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Starts <paramref name="assembly"/> (a file name in this program's folder) with <paramref name="settings"/> as environment variables.</summary>
    /// <param name="raisedPriority">
    /// Run at nice −10, where the system allows it (as root); otherwise <c>nice</c> says it cannot and the program
    /// runs at the usual priority.
    /// </param>
    /// <param name="onLine">Sees every line the program writes, for the few a benchmark reads.</param>
    /// <param name="port">The port it serves on (see <see cref="FreePort"/>); null takes a free one.</param>
    /// <param name="arguments">The program's arguments, which name the port; null gives the port in <c>ASPNETCORE_URLS</c>.</param>
    public static async Task<ServiceProcess> StartAsync(
        string assembly, IReadOnlyDictionary<string, string> settings, bool raisedPriority = false, Action<string>? onLine = null,
        int? port = null, IEnumerable<string>? arguments = null)
    {
        var listenOn = port ?? FreePort();
        var start = new ProcessStartInfo(raisedPriority ? "nice" : "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (raisedPriority)
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add("-10");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        if (arguments is null)
        {
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{listenOn.ToString(CultureInfo.InvariantCulture)}";
        }
        else
        {
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start.");
        var app = new ServiceProcess(process, new Uri($"http://127.0.0.1:{listenOn.ToString(CultureInfo.InvariantCulture)}/"), onLine);
        process.OutputDataReceived += (_, e) => app.Count(e.Data);
        process.ErrorDataReceived += (_, e) => app.Count(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = app.BaseAddress };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var answer = await probe.GetAsync("/");
                return app;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (HttpRequestException ex)
            {
                var lines = app.LastLines();
                await app.DisposeAsync();
                throw new InvalidOperationException($"{assembly} did not answer on port {listenOn}:\n{lines}", ex);
            }
        }
    }

    /// <summary>The most the process has had in memory (Linux <c>VmHWM</c>), in MiB; null where that is not known.</summary>
    public double? PeakMemoryMiB() => PeakMemoryMiB(_process.Id);

    /// <summary>The same for each process this one started (under the host emulator: the worker).</summary>
    public IReadOnlyList<double> ChildPeakMemoryMiB() => [.. ChildProcessIds().Select(PeakMemoryMiB).OfType<double>()];

    /// <summary>
    /// The processes this one started that still run (under the host emulator: the worker). Linux lists a child under
    /// the thread that started it, so every thread's list is read.
    /// </summary>
    public IReadOnlyList<int> ChildProcessIds()
    {
        try
        {
            return [.. Directory.EnumerateDirectories($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/task")
                .SelectMany(task =>
                {
                    try
                    {
                        return File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    }
                    catch (IOException)
                    {
                        return []; // the thread ended meanwhile
                    }
                })
                .Select(id => int.Parse(id, CultureInfo.InvariantCulture))
                .Distinct()];
        }
        catch (IOException)
        {
            return []; // not Linux, or the process is gone
        }
    }

    private static double? PeakMemoryMiB(int processId)
    {
        var status = $"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status";
        if (!File.Exists(status))
        {
            return null;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kilobytes is null ? null : double.Parse(kilobytes, CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>The niceness the process runs at (Linux), or null where that is not known.</summary>
    public int? Niceness()
    {
        var stat = $"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/stat";
        if (!File.Exists(stat))
        {
            return null;
        }

        // Field 19 of /proc/PID/stat, counted after the command name, which is in parentheses and may hold spaces.
        var text = File.ReadAllText(stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }

    /// <summary>The last lines the app wrote, for a failure message.</summary>
    public string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join('\n', _lastLines);
        }
    }

    private void Count(string? line)
    {
        if (line is null)
        {
            return;
        }

        _onLine?.Invoke(line);
        if (line.Contains(" warn: ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _warnings);
        }
        else if (line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _errors);
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    /// <summary>
    /// Asks the process to stop with SIGTERM, as the platform stops a host, and waits up to <paramref name="timeout"/>
    /// for it to exit; then kills it.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        // .NET can handle a POSIX signal but not send one; kill(1) can.
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Kills the process and every process it started (SIGKILL): nothing of theirs runs on.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>A loopback port free now, for a program that must know its own address before it starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
