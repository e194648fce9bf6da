package io.github.lstmc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The message of an {@link LstmcException} is one printable line, whatever a crafted file put into
 * it: found by the loader fuzz test, where a tensor name holding a newline made a two-line error.
 */
class LstmcExceptionTest {

    @Test
    void controlCharactersAreEscaped() {
        LstmcException e = new LstmcException("m.safetensors: tensor 'a\nerror: forged\r\tb\u0000\u2028' is missing");
        assertEquals("m.safetensors: tensor 'a\\nerror: forged\\r\\tb\\u0000\\u2028' is missing", e.getMessage());
    }

    @Test
    void plainMessagesAreUnchanged() {
        String message = "m.onnx: node 'LSTM_0' attribute 'hidden_size' is 5, but W has 4*H = 16 rows (H = 4) — \u00e9";
        assertEquals(message, new LstmcException(message, new RuntimeException()).getMessage());
    }

    @Test
    void longMessagesAreCut() {
        String message = new LstmcException("x.safetensors: tensor '" + "n".repeat(1_000_000) + "'").getMessage();
        assertTrue(message.length() < LstmcException.MAX_MESSAGE_LENGTH + 50, () -> "length " + message.length());
        assertTrue(message.startsWith("x.safetensors: tensor 'nnn"), message.substring(0, 40));
        assertTrue(message.endsWith(" more characters)"), message.substring(message.length() - 40));
    }
}
