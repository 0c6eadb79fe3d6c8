using System.Buffers.Text;

namespace Shiming.Baidu;

/// <summary>
/// Form bodies for Baidu's image APIs: <c>{fields}&amp;image=…</c> with the image as standard Base64, percent-encoded
/// once. Built by hand because <see cref="FormUrlEncodedContent"/> refuses values as long as a photo.
/// </summary>
public static class BaiduForms
{
    /// <param name="head">The other fields, already encoded, ending with <c>image=</c>.</param>
    public static byte[] WithImage(ReadOnlySpan<byte> head, ReadOnlySpan<byte> image)
    {
        var base64 = new byte[Base64.GetMaxEncodedToUtf8Length(image.Length)];
        Base64.EncodeToUtf8(image, base64, out _, out var written);
        var encoded = base64.AsSpan(0, written);

        var escapes = 0;
        foreach (var b in encoded)
        {
            if (b is (byte)'+' or (byte)'/' or (byte)'=')
            {
                escapes++;
            }
        }

        var form = new byte[head.Length + written + (escapes * 2)];
        head.CopyTo(form);
        var position = head.Length;
        foreach (var b in encoded)
        {
            switch (b)
            {
                case (byte)'+': "%2B"u8.CopyTo(form.AsSpan(position)); position += 3; break;
                case (byte)'/': "%2F"u8.CopyTo(form.AsSpan(position)); position += 3; break;
                case (byte)'=': "%3D"u8.CopyTo(form.AsSpan(position)); position += 3; break;
                default: form[position++] = b; break;
            }
        }

        return form;
    }
}
