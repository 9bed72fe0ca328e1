package io.marketstream.stream;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, the body of every error answer ({@code application/problem+json}).
 *
 * @param errors each thing wrong with the request, when there are several
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<String> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
