namespace Shiming.Storage;

/// <summary>
/// Runs an idempotent creation (a table, a queue, a container) once per process, on first use. Callers that
/// arrive while it runs wait for it; a creation that fails is tried again by the next caller, which is why this
/// is not a <see cref="Lazy{T}"/> of a task: that would keep the failure for the life of the process.
/// </summary>
public sealed class CreateOnce(Func<CancellationToken, Task> create)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_done)
            {
                await create(cancellationToken).ConfigureAwait(false);
                _done = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
