namespace Shiming.BaiduEmulator;

/// <summary>One OCR call the emulator received, as tests and benchmarks need it: no image, no recognised text.</summary>
/// <param name="ArrivedAt">When the call arrived, by the emulator's clock.</param>
/// <param name="Endpoint">The OCR API called, such as <c>idcard</c>.</param>
/// <param name="Side">The <c>id_card_side</c> the caller declared, if any.</param>
/// <param name="ErrorCode">The <c>error_code</c> answered, or null for a success body.</param>
/// <param name="ImageStatus">The <c>image_status</c> answered, or null for an error body.</param>
public sealed record EmulatorCall(DateTimeOffset ArrivedAt, string Endpoint, string? Side, int? ErrorCode, string? ImageStatus);
