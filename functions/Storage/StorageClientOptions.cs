using Azure.Core;

namespace Shiming.Storage;

/// <summary>
/// Options for the storage clients. Retries, timeouts, diagnostics and the transport come from
/// <see cref="ClientOptions"/>; the service versions are fixed by the clients.
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
}
