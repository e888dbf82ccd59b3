package com.thortrading.accounts;

/** An order the rules refuse: the code clients branch on and a sentence a trader understands. */
public record Rejection(RejectCode code, String message) {
}
