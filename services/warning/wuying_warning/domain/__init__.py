"""Warning domain rules. Pure: no nameko, mongoengine or marshmallow imports."""
