package dev.taidon.sqlrunner.internal.wire;

/**
 * A column of a result as the RowDescription message gives it.
 *
 * @param name the column label
 * @param typeOid the type's object id
 * @param typeModifier the type modifier ({@code varchar(20)} has 24), -1 for none
 */
public record WireColumn(String name, int typeOid, int typeModifier) {}
