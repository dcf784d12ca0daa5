package dev.containerv.windows.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The layer id used when no Windows host can be asked ({@code describe}, the simulated HCS): the folder
 * name itself when it is a GUID, else a name-based UUID of it. On a real host the provider asks vmcompute's
 * {@code NameToGuid} instead, as hcsshim does; the two need not agree.
 */
public final class LayerIds {
    private static final Pattern GUID = Pattern.compile("\\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}?");

    private LayerIds() {
    }

    /** The stand-in id for a layer folder name. */
    public static UUID forName(String folderName) {
        if (GUID.matcher(folderName).matches()) {
            return UUID.fromString(folderName.replace("{", "").replace("}", "").toLowerCase(Locale.ROOT));
        }
        return UUID.nameUUIDFromBytes(("containerv-layer:" + folderName).getBytes(StandardCharsets.UTF_8));
    }
}
