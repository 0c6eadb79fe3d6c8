namespace Shiming.BaiduEmulator;

/// <summary>The OCR calls received. A call is numbered when it arrives and logged when it is answered, so the snapshot is sorted by that number to stay in arrival order.</summary>
internal sealed class CallLog
{
    private readonly List<(long Sequence, EmulatorCall Call)> _calls = [];
    private readonly Lock _gate = new();
    private long _nextSequence;

    public long NextSequence() => Interlocked.Increment(ref _nextSequence);

    public void Add(long sequence, EmulatorCall call)
    {
        lock (_gate)
        {
            _calls.Add((sequence, call));
        }
    }

    public IReadOnlyList<EmulatorCall> Snapshot()
    {
        lock (_gate)
        {
            return [.. _calls.OrderBy(entry => entry.Sequence).Select(entry => entry.Call)];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }
}
