namespace Shiming.FunctionsHost;

/// <summary>How to run one worker app under the emulator.</summary>
public sealed class FunctionsHostOptions
{
    /// <summary>The worker's build or publish output: functions.metadata, worker.config.json, host.json.</summary>
    public required string ScriptRoot { get; init; }

    /// <summary>The front door's port; null takes <c>Host.LocalHttpPort</c>, then 7071; 0 takes a free one.</summary>
    public int? Port { get; init; }

    /// <summary>App settings laid over local.settings.json's <c>Values</c> (tests point storage at their Azurite here).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long a worker has to finish after <c>WorkerTerminate</c> before it is killed.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a worker may take from process start to its functions loaded.</summary>
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The wait before a worker that died is started again.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The origins CORS allows, in place of local.settings.json's <c>Host.CORS</c>; null keeps that.</summary>
    public IReadOnlyList<string>? CorsOrigins { get; init; }
}
