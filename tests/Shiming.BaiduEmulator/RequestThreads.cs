namespace Shiming.BaiduEmulator;

/// <summary>
/// Keeps threads ready for the calls that arrive. The thread pool starts with one thread per core and adds more only
/// about twice a second once they are all busy; while a burst's large bodies are being parsed on a loaded machine, a
/// call that arrived would wait for one before it is stamped and admitted, and leave that wait bunched with the calls
/// behind it. Threads ready in advance cost little memory and take a call as soon as it arrives.
/// </summary>
internal static class RequestThreads
{
    private const int Ready = 64;

    public static void Reserve()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < Ready || completionPorts < Ready)
        {
            ThreadPool.SetMinThreads(Math.Max(workers, Ready), Math.Max(completionPorts, Ready));
        }
    }
}
