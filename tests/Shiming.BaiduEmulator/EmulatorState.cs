using System.Security.Cryptography;

namespace Shiming.BaiduEmulator;

/// <summary>Everything one running emulator remembers: issued tokens, the QPS window, quotas, the fault draws, the call log.</summary>
internal sealed class EmulatorState(EmulatorOptions options, TimeProvider timeProvider)
{
    // Real log ids are 19-digit numbers above 2^53, which is what breaks parsers that go through double.
    private long _lastLogId = 1_500_000_000_000_000_000 + RandomNumberGenerator.GetInt32(int.MaxValue);

    public EmulatorOptions Options { get; } = options;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public TokenRegistry Tokens { get; } = new(timeProvider);

    public QpsLimiter Qps { get; } = new();

    public CallLog Calls { get; } = new();

    public FaultInjector Faults { get; } = new(options.FaultSeed);

    public QuotaCounter Quota { get; } = new();

    public ulong NextLogId() => (ulong)Interlocked.Increment(ref _lastLogId);
}
