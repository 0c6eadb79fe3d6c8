namespace Shiming.Storage;

/// <summary>The <c>x-ms-version</c> each client speaks.</summary>
internal static class StorageServiceVersions
{
    // Both Azure Storage and Azurite 3.37 (without --skipApiVersionCheck) accept these. 2015-02-21 or later
    // is also what lets a Shared Key signature leave Content-Length empty for an empty body.
    public const string Blob = "2025-01-05";

    public const string Queue = "2025-01-05";

    // The version both official Tables SDKs (.NET and JS) send; the Table protocol has not changed since.
    public const string Table = "2019-02-02";
}
