namespace Shiming.Tests.Emulator;

/// <summary>
/// A clock that moves only when told. Microsoft.Extensions.TimeProvider.Testing is not in the package feed; the
/// emulator only reads the time, so timers are left to the base class.
/// </summary>
internal sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public FakeTimeProvider()
        : this(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
