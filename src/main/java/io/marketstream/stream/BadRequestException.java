package io.marketstream.stream;

import java.util.List;

/** Client input that cannot be served; answered with 400 and a problem body that lists what is wrong. */
public class BadRequestException extends RuntimeException {

    private final List<String> errors;

    public BadRequestException(String detail, List<String> errors) {
        super(detail);
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
